import { Schema } from "effect"
import { MEMORY_LIMITS } from "./memory.js"

/**
 * A memory as it travels in import and export files (JSON Lines, or one JSON array). Exports write
 * every field; imports need only `content`. `external_id` (or, without one, the content's hash) makes
 * an import idempotent: a record already imported is skipped.
 */
export const PortableMemory = Schema.Struct({
  content: Schema.String.pipe(Schema.filter((s) => s.trim().length > 0 || "content must not be empty")),
  title: Schema.optional(Schema.NullOr(Schema.String.pipe(Schema.maxLength(MEMORY_LIMITS.titleChars)))),
  tags: Schema.optional(
    Schema.Array(Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(MEMORY_LIMITS.tagChars))).pipe(Schema.maxItems(MEMORY_LIMITS.tags))
  ),
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  memory_type: Schema.optional(Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(MEMORY_LIMITS.memoryTypeChars))),
  pinned: Schema.optional(Schema.Boolean),
  external_id: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))),
  created_at: Schema.optional(Schema.DateTimeUtc),
  updated_at: Schema.optional(Schema.DateTimeUtc)
}).annotations({ parseOptions: { errors: "all", onExcessProperty: "ignore" } })
export type PortableMemory = typeof PortableMemory.Type

export const TransferFormat = Schema.Literal("jsonl", "json")
export type TransferFormat = typeof TransferFormat.Type
