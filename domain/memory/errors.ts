import { Schema } from "effect"

/** A memory beyond a size limit: `field` names what is too large. */
export class MemoryTooLarge extends Schema.TaggedError<MemoryTooLarge>()("MemoryTooLarge", {
  field: Schema.String,
  reason: Schema.String
}) {}
