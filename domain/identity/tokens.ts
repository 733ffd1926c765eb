import { Schema } from "effect"

/** A mailed link's token that does not exist, was used, or expired: one answer for all three. */
export class InvalidOneTimeToken extends Schema.TaggedError<InvalidOneTimeToken>()("InvalidOneTimeToken", {}) {}

export class EmailAlreadyVerified extends Schema.TaggedError<EmailAlreadyVerified>()("EmailAlreadyVerified", {}) {}
