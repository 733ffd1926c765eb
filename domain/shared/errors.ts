import { Schema } from "effect"

/** The object does not exist, or the actor may not see it (both answer alike, to hide existence). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  resource: Schema.String
}) {}

/** The actor is known but lacks the right for this action. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  reason: Schema.String
}) {}

/** Too many attempts of something guessable or costly; try again after `retryAfterSeconds`. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  retryAfterSeconds: Schema.Int,
  reason: Schema.String
}) {}
