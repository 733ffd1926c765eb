import { DateTime, Effect, Option } from "effect"
import { Unauthenticated } from "../../domain/identity/errors.js"
import { isActive } from "../../domain/identity/session.js"
import { AccessTokens } from "../ports/access-tokens.js"
import { SecretTokens } from "../ports/secret-tokens.js"
import { SessionRepository } from "../ports/session-repository.js"
import type { TokenPair } from "./tokens.js"

/**
 * Trades a refresh token for a new pair. The old token dies; a token that was already traded in
 * (or loses a race to be traded in) revokes its whole session, since only a thief or a replay
 * would present it again.
 */
export const refresh = Effect.fn("Identity.refresh")(function*(refreshToken: string) {
  const secrets = yield* SecretTokens
  const sessions = yield* SessionRepository
  const now = yield* DateTime.now
  const presentedHash = secrets.hash(refreshToken)
  const lookup = yield* sessions.findByRefreshHash(presentedHash)
  if (Option.isNone(lookup)) {
    return yield* new Unauthenticated({ reason: "unknown refresh token" })
  }
  const { session } = lookup.value
  if (lookup.value._tag === "Rotated") {
    yield* sessions.revoke(session.id, now)
    yield* Effect.logWarning("refresh token reused: session revoked").pipe(
      Effect.annotateLogs({ session_id: session.id, user_id: session.userId })
    )
    return yield* new Unauthenticated({ reason: "refresh token reused" })
  }
  if (!isActive(session, now)) {
    return yield* new Unauthenticated({ reason: "session ended" })
  }
  const nextToken = yield* secrets.generate
  const rotated = yield* sessions.rotate(session.id, presentedHash, secrets.hash(nextToken), now)
  if (!rotated) {
    yield* sessions.revoke(session.id, now)
    yield* Effect.logWarning("concurrent refresh with one token: session revoked").pipe(
      Effect.annotateLogs({ session_id: session.id, user_id: session.userId })
    )
    return yield* new Unauthenticated({ reason: "refresh token reused" })
  }
  const access = yield* (yield* AccessTokens).issue({ userId: session.userId, sessionId: session.id })
  return { accessToken: access.token, refreshToken: nextToken, expiresInSeconds: access.expiresInSeconds } satisfies TokenPair
})
