import { Schema } from "effect"

/** The object does not exist, or the actor may not see it (both answer alike, to hide existence). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  resource: Schema.String
}) {}

/** The actor is known but lacks the right for this action. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  reason: Schema.String
}) {}
