import { Option, Schema } from "effect"
import { UserId } from "../identity/user.js"

export const MemoryId = Schema.UUID.pipe(Schema.brand("MemoryId"))
export type MemoryId = typeof MemoryId.Type
export const CollectionId = Schema.UUID.pipe(Schema.brand("CollectionId"))
export type CollectionId = typeof CollectionId.Type

/** Limits a memory is held to; beyond them a request is refused with 413 (content) or 422 (the rest). */
export const MEMORY_LIMITS = {
  contentChars: 100_000,
  titleChars: 300,
  tags: 20,
  tagChars: 50,
  metadataBytes: 16_384,
  memoryTypeChars: 50
} as const

export class Memory extends Schema.Class<Memory>("Memory")({
  id: MemoryId,
  ownerId: UserId,
  collectionId: Schema.OptionFromNullOr(CollectionId),
  title: Schema.OptionFromNullOr(Schema.String),
  content: Schema.String,
  tags: Schema.Array(Schema.String),
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  /** A free label: note, fact, conversation… */
  memoryType: Schema.String,
  pinned: Schema.Boolean,
  createdAt: Schema.DateTimeUtcFromSelf,
  updatedAt: Schema.DateTimeUtcFromSelf,
  /** For imported memories: the record's external_id, or the hash of its content. Unique per owner. */
  importKey: Schema.optionalWith(Schema.OptionFromSelf(Schema.String), { default: () => Option.none() })
}) {}

export class Collection extends Schema.Class<Collection>("Collection")({
  id: CollectionId,
  ownerId: UserId,
  name: Schema.String,
  description: Schema.String,
  createdAt: Schema.DateTimeUtcFromSelf,
  updatedAt: Schema.DateTimeUtcFromSelf
}) {}
