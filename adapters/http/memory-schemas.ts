import { Schema } from "effect"
import { Email } from "../../domain/identity/user.js"
import { MEMORY_LIMITS, MemoryContent, MemoryMetadata, MemoryTags, MemoryTitle, MemoryType } from "../../domain/memory/memory.js"
import { SharePermission } from "../../domain/memory/sharing.js"
import { TransferFormat } from "../../domain/memory/portable.js"
import { DEFAULT_SIMILARITY } from "../../application/memory/deduplicate.js"
import { RequestTimestamp, withDefault } from "./request-fields.js"

const Title = Schema.NullOr(MemoryTitle)
const CollectionRef = Schema.NullOr(Schema.String.check(Schema.isUUID()))

export const CreateMemoryRequest = Schema.Struct({
  content: MemoryContent,
  title: Schema.optional(Title),
  tags: withDefault(MemoryTags, []),
  metadata: withDefault(MemoryMetadata, {}),
  memory_type: withDefault(MemoryType, "note"),
  pinned: withDefault(Schema.Boolean, false),
  collection_id: Schema.optional(CollectionRef)
})

export const UpdateMemoryRequest = Schema.Struct({
  content: Schema.optional(MemoryContent),
  title: Schema.optional(Title),
  tags: Schema.optional(MemoryTags),
  metadata: Schema.optional(MemoryMetadata),
  memory_type: Schema.optional(MemoryType),
  pinned: Schema.optional(Schema.Boolean),
  collection_id: Schema.optional(CollectionRef)
})

export const MemoryListQuery = Schema.Struct({
  collection_id: Schema.optional(Schema.String.check(Schema.isUUID())),
  tag: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(MEMORY_LIMITS.tagChars)))),
  memory_type: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(MEMORY_LIMITS.memoryTypeChars)))),
  pinned: Schema.optional(Schema.Boolean),
  q: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(200)))),
  created_from: Schema.optional(RequestTimestamp),
  created_to: Schema.optional(RequestTimestamp)
})

export class MemoryResponse extends Schema.Class<MemoryResponse>("MemoryResponse")({
  id: Schema.String.check(Schema.isUUID()),
  owner_id: Schema.String.check(Schema.isUUID()),
  collection_id: Schema.NullOr(Schema.String.check(Schema.isUUID())),
  title: Schema.NullOr(Schema.String),
  content: Schema.String,
  tags: Schema.Array(Schema.String),
  metadata: MemoryMetadata,
  memory_type: Schema.String,
  pinned: Schema.Boolean,
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString
}) {}

export const SearchRequest = Schema.Struct({
  query: Schema.Trim.pipe(Schema.check(Schema.isMinLength(1, { message: "query must not be empty" })), Schema.check(Schema.isMaxLength(2000))),
  limit: withDefault(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 100 }, { message: "limit must be between 1 and 100" }))), 10),
  mode: withDefault(Schema.Literals(["hybrid", "vector", "keyword"]), "hybrid"),
  collection_id: Schema.optional(Schema.String.check(Schema.isUUID())),
  tags: withDefault(MemoryTags, [])
})

export class SearchResponse extends Schema.Class<SearchResponse>("SearchResponse")({
  results: Schema.Array(Schema.Struct({ memory: MemoryResponse, score: Schema.Number, snippet: Schema.String }))
}) {}

export const CollectionRequest = Schema.Struct({
  name: Schema.Trim.pipe(Schema.check(Schema.isMinLength(1, { message: "name must not be empty" })), Schema.check(Schema.isMaxLength(200))),
  description: withDefault(Schema.String.pipe(Schema.check(Schema.isMaxLength(5000))), "")
})
export const UpdateCollectionRequest = Schema.Struct({
  name: Schema.optional(Schema.Trim.pipe(Schema.check(Schema.isMinLength(1, { message: "name must not be empty" })), Schema.check(Schema.isMaxLength(200)))),
  description: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(5000))))
})
export const DeleteCollectionQuery = Schema.Struct({ delete_memories: withDefault(Schema.Boolean, false) })

export class CollectionResponse extends Schema.Class<CollectionResponse>("CollectionResponse")({
  id: Schema.String.check(Schema.isUUID()),
  owner_id: Schema.String.check(Schema.isUUID()),
  name: Schema.String,
  description: Schema.String,
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString
}) {}

export const RagRequest = Schema.Struct({
  question: Schema.Trim.pipe(Schema.check(Schema.isMinLength(1, { message: "question must not be empty" })), Schema.check(Schema.isMaxLength(2000))),
  limit: withDefault(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 20 }, { message: "limit must be between 1 and 20" }))), 5),
  collection_id: Schema.optional(Schema.String.check(Schema.isUUID()))
})

export class RagResponse extends Schema.Class<RagResponse>("RagResponse")({
  answer: Schema.String,
  citations: Schema.Array(Schema.Struct({ memory_id: Schema.String.check(Schema.isUUID()), snippet: Schema.String, score: Schema.Number }))
}) {}

export const ShareRequest = Schema.Struct({ email: Email, permission: SharePermission })

export class ShareResponse extends Schema.Class<ShareResponse>("ShareResponse")({
  user_id: Schema.String.check(Schema.isUUID()),
  email: Schema.String,
  permission: SharePermission,
  created_at: Schema.DateTimeUtcFromString
}) {}

export class SharesResponse extends Schema.Class<SharesResponse>("SharesResponse")({
  items: Schema.Array(ShareResponse)
}) {}

export class SharedItemResponse extends Schema.Class<SharedItemResponse>("SharedItemResponse")({
  kind: Schema.Literals(["memory", "collection"]),
  permission: SharePermission,
  shared_at: Schema.DateTimeUtcFromString,
  owner_id: Schema.String.check(Schema.isUUID()),
  memory: Schema.NullOr(MemoryResponse),
  collection: Schema.NullOr(CollectionResponse)
}) {}

export const AnalyticsQuery = Schema.Struct({
  days: withDefault(Schema.NumberFromString.pipe(Schema.check(Schema.isInt()), Schema.check(Schema.isBetween({ minimum: 1, maximum: 365 }, { message: "days must be between 1 and 365" }))), 30)
})

const Count = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))

export class AnalyticsResponse extends Schema.Class<AnalyticsResponse>("MemoryAnalyticsResponse")({
  /** Start of the window of the per-day series and of the search counts (UTC midnight). */
  since: Schema.DateTimeUtcFromString,
  days: Schema.Int,
  totals: Schema.Struct({
    memories: Count,
    collections: Count,
    pinned: Count,
    shared_by_me: Count,
    shared_with_me: Count,
    searches: Count,
    rag_queries: Count
  }),
  by_collection: Schema.Array(Schema.Struct({ collection_id: Schema.NullOr(Schema.String.check(Schema.isUUID())), name: Schema.NullOr(Schema.String), count: Count })),
  by_tag: Schema.Array(Schema.Struct({ tag: Schema.String, count: Count })),
  by_type: Schema.Array(Schema.Struct({ memory_type: Schema.String, count: Count })),
  created_per_day: Schema.Array(Schema.Struct({ date: Schema.String, count: Count })),
  queries_per_day: Schema.Array(Schema.Struct({ date: Schema.String, searches: Count, rag_queries: Count })),
  top_queries: Schema.Array(Schema.Struct({ query: Schema.String, count: Count, last_at: Schema.DateTimeUtcFromString }))
}) {}

export const ImportQuery = Schema.Struct({
  collection_id: Schema.optional(Schema.String.check(Schema.isUUID())),
  /** Needed only when neither the Content-Type nor a multipart file's name tells. */
  format: Schema.optional(TransferFormat)
})

export const ExportRequest = Schema.Struct({
  collection_id: Schema.optional(Schema.String.check(Schema.isUUID())),
  format: withDefault(TransferFormat, "jsonl")
})

export const DeduplicateRequest = Schema.Struct({
  /** How alike two memories must be (cosine of their first chunks) to merge as near duplicates. */
  threshold: withDefault(Schema.Number.pipe(Schema.check(Schema.isBetween({ minimum: 0.5, maximum: 1 }, { message: "threshold must be between 0.5 and 1" }))), DEFAULT_SIMILARITY)
})
