import { Schema } from "effect"
import { Email } from "../../domain/identity/user.js"
import { MEMORY_LIMITS } from "../../domain/memory/memory.js"
import { SharePermission } from "../../domain/memory/sharing.js"
import { TransferFormat } from "../../domain/memory/portable.js"
import { requestBody } from "./identity-schemas.js"

const Tags = Schema.Array(
  Schema.Trim.pipe(
    Schema.minLength(1, { message: () => "a tag must not be empty" }),
    Schema.maxLength(MEMORY_LIMITS.tagChars, { message: () => `a tag must be at most ${MEMORY_LIMITS.tagChars} characters` })
  )
).pipe(Schema.maxItems(MEMORY_LIMITS.tags, { message: () => `at most ${MEMORY_LIMITS.tags} tags` }))
const Content = Schema.String.pipe(Schema.filter((s) => s.trim().length > 0 || "content must not be empty"))
const Title = Schema.NullOr(Schema.Trim.pipe(Schema.maxLength(MEMORY_LIMITS.titleChars, { message: () => `title must be at most ${MEMORY_LIMITS.titleChars} characters` })))
const MemoryType = Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(MEMORY_LIMITS.memoryTypeChars))
const Metadata = Schema.Record({ key: Schema.String, value: Schema.Unknown })

export const CreateMemoryRequest = requestBody({
  content: Content,
  title: Schema.optional(Title),
  tags: Schema.optionalWith(Tags, { default: () => [] }),
  metadata: Schema.optionalWith(Metadata, { default: () => ({}) }),
  memory_type: Schema.optionalWith(MemoryType, { default: () => "note" }),
  pinned: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  collection_id: Schema.optional(Schema.NullOr(Schema.UUID))
})

export const UpdateMemoryRequest = requestBody({
  content: Schema.optional(Content),
  title: Schema.optional(Title),
  tags: Schema.optional(Tags),
  metadata: Schema.optional(Metadata),
  memory_type: Schema.optional(MemoryType),
  pinned: Schema.optional(Schema.Boolean),
  collection_id: Schema.optional(Schema.NullOr(Schema.UUID))
})

export const MemoryListQuery = Schema.Struct({
  collection_id: Schema.optional(Schema.UUID),
  tag: Schema.optional(Schema.String.pipe(Schema.maxLength(MEMORY_LIMITS.tagChars))),
  memory_type: Schema.optional(Schema.String.pipe(Schema.maxLength(MEMORY_LIMITS.memoryTypeChars))),
  pinned: Schema.optional(Schema.BooleanFromString),
  q: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  created_from: Schema.optional(Schema.DateTimeUtc),
  created_to: Schema.optional(Schema.DateTimeUtc)
})

export class MemoryResponse extends Schema.Class<MemoryResponse>("MemoryResponse")({
  id: Schema.UUID,
  owner_id: Schema.UUID,
  collection_id: Schema.NullOr(Schema.UUID),
  title: Schema.NullOr(Schema.String),
  content: Schema.String,
  tags: Schema.Array(Schema.String),
  metadata: Metadata,
  memory_type: Schema.String,
  pinned: Schema.Boolean,
  created_at: Schema.DateTimeUtc,
  updated_at: Schema.DateTimeUtc
}) {}

export const SearchRequest = requestBody({
  query: Schema.Trim.pipe(Schema.minLength(1, { message: () => "query must not be empty" }), Schema.maxLength(2000)),
  limit: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 100, { message: () => "limit must be between 1 and 100" })), { default: () => 10 }),
  mode: Schema.optionalWith(Schema.Literal("hybrid", "vector", "keyword"), { default: () => "hybrid" as const }),
  collection_id: Schema.optional(Schema.UUID),
  tags: Schema.optionalWith(Tags, { default: () => [] })
})

export class SearchResponse extends Schema.Class<SearchResponse>("SearchResponse")({
  results: Schema.Array(Schema.Struct({ memory: MemoryResponse, score: Schema.Number, snippet: Schema.String }))
}) {}

export const CollectionRequest = requestBody({
  name: Schema.Trim.pipe(Schema.minLength(1, { message: () => "name must not be empty" }), Schema.maxLength(200)),
  description: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(5000)), { default: () => "" })
})
export const UpdateCollectionRequest = requestBody({
  name: Schema.optional(Schema.Trim.pipe(Schema.minLength(1, { message: () => "name must not be empty" }), Schema.maxLength(200))),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(5000)))
})
export const DeleteCollectionQuery = Schema.Struct({ delete_memories: Schema.optionalWith(Schema.BooleanFromString, { default: () => false }) })

export class CollectionResponse extends Schema.Class<CollectionResponse>("CollectionResponse")({
  id: Schema.UUID,
  owner_id: Schema.UUID,
  name: Schema.String,
  description: Schema.String,
  created_at: Schema.DateTimeUtc,
  updated_at: Schema.DateTimeUtc
}) {}

export const RagRequest = requestBody({
  question: Schema.Trim.pipe(Schema.minLength(1, { message: () => "question must not be empty" }), Schema.maxLength(2000)),
  limit: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 20, { message: () => "limit must be between 1 and 20" })), { default: () => 5 }),
  collection_id: Schema.optional(Schema.UUID)
})

export class RagResponse extends Schema.Class<RagResponse>("RagResponse")({
  answer: Schema.String,
  citations: Schema.Array(Schema.Struct({ memory_id: Schema.UUID, snippet: Schema.String, score: Schema.Number }))
}) {}

export const ShareRequest = requestBody({ email: Email, permission: SharePermission })

export class ShareResponse extends Schema.Class<ShareResponse>("ShareResponse")({
  user_id: Schema.UUID,
  email: Schema.String,
  permission: SharePermission,
  created_at: Schema.DateTimeUtc
}) {}

export class SharesResponse extends Schema.Class<SharesResponse>("SharesResponse")({
  items: Schema.Array(ShareResponse)
}) {}

export class SharedItemResponse extends Schema.Class<SharedItemResponse>("SharedItemResponse")({
  kind: Schema.Literal("memory", "collection"),
  permission: SharePermission,
  shared_at: Schema.DateTimeUtc,
  owner_id: Schema.UUID,
  memory: Schema.NullOr(MemoryResponse),
  collection: Schema.NullOr(CollectionResponse)
}) {}

export const AnalyticsQuery = Schema.Struct({
  days: Schema.optionalWith(
    Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 365, { message: () => "days must be between 1 and 365" })),
    { default: () => 30 }
  )
})

const Count = Schema.Int.pipe(Schema.nonNegative())

export class AnalyticsResponse extends Schema.Class<AnalyticsResponse>("MemoryAnalyticsResponse")({
  /** Start of the window of the per-day series and of the search counts (UTC midnight). */
  since: Schema.DateTimeUtc,
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
  by_collection: Schema.Array(Schema.Struct({ collection_id: Schema.NullOr(Schema.UUID), name: Schema.NullOr(Schema.String), count: Count })),
  by_tag: Schema.Array(Schema.Struct({ tag: Schema.String, count: Count })),
  by_type: Schema.Array(Schema.Struct({ memory_type: Schema.String, count: Count })),
  created_per_day: Schema.Array(Schema.Struct({ date: Schema.String, count: Count })),
  queries_per_day: Schema.Array(Schema.Struct({ date: Schema.String, searches: Count, rag_queries: Count })),
  top_queries: Schema.Array(Schema.Struct({ query: Schema.String, count: Count, last_at: Schema.DateTimeUtc }))
}) {}

export const ImportQuery = Schema.Struct({
  collection_id: Schema.optional(Schema.UUID),
  /** Needed only when neither the Content-Type nor a multipart file's name tells. */
  format: Schema.optional(TransferFormat)
})

export const ExportRequest = requestBody({
  collection_id: Schema.optional(Schema.UUID),
  format: Schema.optionalWith(TransferFormat, { default: () => "jsonl" as const })
})

export const DeduplicateRequest = requestBody({
  /** How alike two memories must be (cosine of their first chunks) to merge as near duplicates. */
  threshold: Schema.optionalWith(Schema.Number.pipe(Schema.between(0.5, 1, { message: () => "threshold must be between 0.5 and 1" })), { default: () => 0.95 })
})
