import { Effect, Option, Schema } from "effect"
import { UserId } from "../identity/user.js"

export const MemoryId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("MemoryId"))
export type MemoryId = typeof MemoryId.Type
export const CollectionId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("CollectionId"))
export type CollectionId = typeof CollectionId.Type

/**
 * Limits a memory is held to, defined once for every way in (the HTTP API, imports): beyond the
 * sizes a request is refused with 413 (`sizeProblem`), beyond the rest with 422 (the field schemas).
 */
export const MEMORY_LIMITS = {
  contentChars: 100_000,
  titleChars: 300,
  tags: 20,
  tagChars: 50,
  metadataBytes: 16_384,
  memoryTypeChars: 50
} as const

export const MemoryContent = Schema.String.check(Schema.makeFilter((s) => s.trim().length > 0 || "content must not be empty"))
export const MemoryTitle = Schema.Trim.check(
  Schema.isMaxLength(MEMORY_LIMITS.titleChars, { message: `title must be at most ${MEMORY_LIMITS.titleChars} characters` })
)
export const MemoryTag = Schema.Trim.check(
  Schema.isMinLength(1, { message: "a tag must not be empty" }),
  Schema.isMaxLength(MEMORY_LIMITS.tagChars, { message: `a tag must be at most ${MEMORY_LIMITS.tagChars} characters` })
)
export const MemoryTags = Schema.Array(MemoryTag).check(
  Schema.isMaxLength(MEMORY_LIMITS.tags, { message: `at most ${MEMORY_LIMITS.tags} tags` })
)
export const MemoryType = Schema.Trim.check(
  Schema.isMinLength(1, { message: "memory_type must not be empty" }),
  Schema.isMaxLength(MEMORY_LIMITS.memoryTypeChars, { message: `memory_type must be at most ${MEMORY_LIMITS.memoryTypeChars} characters` })
)
export const MemoryMetadata = Schema.Record(Schema.String, Schema.Unknown)

/** The size of metadata as stored: its JSON in UTF-8 bytes. */
export const metadataBytes = (metadata: unknown): number => new TextEncoder().encode(JSON.stringify(metadata ?? {})).length

/** Content or metadata over its size limit (413), with the field and a message; none when both fit. */
export const sizeProblem = (content: string, metadata: unknown): Option.Option<{ readonly field: "content" | "metadata"; readonly reason: string }> =>
  content.length > MEMORY_LIMITS.contentChars
    ? Option.some({ field: "content", reason: `content must be at most ${MEMORY_LIMITS.contentChars} characters` })
    : metadataBytes(metadata) > MEMORY_LIMITS.metadataBytes
    ? Option.some({ field: "metadata", reason: `metadata must be at most ${MEMORY_LIMITS.metadataBytes} bytes of JSON` })
    : Option.none()

export class Memory extends Schema.Class<Memory>("Memory")({
  id: MemoryId,
  ownerId: UserId,
  collectionId: Schema.OptionFromNullOr(CollectionId),
  title: Schema.OptionFromNullOr(Schema.String),
  content: Schema.String,
  tags: Schema.Array(Schema.String),
  metadata: MemoryMetadata,
  /** A free label: note, fact, conversation… */
  memoryType: Schema.String,
  pinned: Schema.Boolean,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  /** For imported memories: the record's external_id, or the hash of its content. Unique per owner. */
  importKey: Schema.Option(Schema.String).pipe(Schema.withConstructorDefault(Effect.succeed(Option.none())))
}) {}

export class Collection extends Schema.Class<Collection>("Collection")({
  id: CollectionId,
  ownerId: UserId,
  name: Schema.String,
  description: Schema.String,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}
