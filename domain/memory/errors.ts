import { Schema } from "effect"

/** A memory beyond a size limit: `field` names what is too large. */
export class MemoryTooLarge extends Schema.TaggedError<MemoryTooLarge>()("MemoryTooLarge", {
  field: Schema.String,
  reason: Schema.String
}) {}

/** A share that cannot be made, such as one with oneself. */
export class InvalidShare extends Schema.TaggedError<InvalidShare>()("InvalidShare", {
  reason: Schema.String
}) {}
