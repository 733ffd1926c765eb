import { Schema } from "effect"
import { MemoryContent, MemoryMetadata, MemoryTags, MemoryTitle, MemoryType } from "./memory.js"

/**
 * A memory as it travels in import and export files (JSON Lines, or one JSON array). Exports write
 * every field; imports need only `content`. `external_id` (or, without one, the content's hash) makes
 * an import idempotent: a record already imported is skipped.
 */
export const PortableMemory = Schema.Struct({
  content: MemoryContent,
  title: Schema.optional(Schema.NullOr(MemoryTitle)),
  tags: Schema.optional(MemoryTags),
  metadata: Schema.optional(MemoryMetadata),
  memory_type: Schema.optional(MemoryType),
  pinned: Schema.optional(Schema.Boolean),
  external_id: Schema.optional(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))),
  created_at: Schema.optional(Schema.DateTimeUtcFromString),
  updated_at: Schema.optional(Schema.DateTimeUtcFromString)
})
export type PortableMemory = typeof PortableMemory.Type

export const TransferFormat = Schema.Literals(["jsonl", "json"])
export type TransferFormat = typeof TransferFormat.Type
