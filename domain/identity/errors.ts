import { Schema } from "effect"

export class EmailAlreadyRegistered extends Schema.TaggedError<EmailAlreadyRegistered>()("EmailAlreadyRegistered", {}) {}

/** One error for every wrong email/password pair, so a caller cannot learn which half was wrong. */
export class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>()("InvalidCredentials", {}) {}

export class WeakPassword extends Schema.TaggedError<WeakPassword>()("WeakPassword", {
  reason: Schema.String
}) {}

/**
 * The caller is not authenticated: no token, a malformed, forged or expired one, or one whose session
 * has ended. `reason` is for logs; the caller sees a generic message.
 */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()("Unauthenticated", {
  reason: Schema.String
}) {}

/** A re-authentication (current password) that did not match. */
export class WrongPassword extends Schema.TaggedError<WrongPassword>()("WrongPassword", {}) {}
