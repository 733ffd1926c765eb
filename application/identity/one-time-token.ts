import { DateTime, type Duration, Effect } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import { OneTimeTokens, type TokenPurpose } from "../ports/one-time-tokens.js"
import { SecretTokens } from "../ports/secret-tokens.js"

/** A fresh single-use token for a user and purpose (older unused ones stop working); answers the token to mail. */
export const issueOneTimeToken = Effect.fn("Identity.issueOneTimeToken")(function*(
  userId: UserId,
  purpose: TokenPurpose,
  ttl: Duration.Input
) {
  const secrets = yield* SecretTokens
  const tokens = yield* OneTimeTokens
  const now = yield* DateTime.now
  const token = yield* secrets.generate
  yield* tokens.revokeAll(userId, purpose, now)
  yield* tokens.insert({ tokenHash: secrets.hash(token), purpose, userId, createdAt: now, expiresAt: DateTime.addDuration(now, ttl) })
  return token
})
