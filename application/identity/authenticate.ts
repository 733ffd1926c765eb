import { DateTime, Effect, Option } from "effect"
import { type Actor, ALL_SCOPES } from "../../domain/identity/actor.js"
import { Unauthenticated } from "../../domain/identity/errors.js"
import { isActive, needsTouch } from "../../domain/identity/session.js"
import { AccessTokens } from "../ports/access-tokens.js"
import { SessionRepository } from "../ports/session-repository.js"
import { UserRepository } from "../ports/user-repository.js"

/**
 * Turns a bearer access token into the Actor behind it. The session is looked up on every request,
 * so logging out (or a revoked session) stops its access tokens at once rather than at expiry.
 */
export const authenticateAccessToken = Effect.fn("Identity.authenticateAccessToken")(function*(token: string) {
  const claims = yield* (yield* AccessTokens).verify(token)
  const sessions = yield* SessionRepository
  const now = yield* DateTime.now
  const session = yield* sessions.findById(claims.sessionId)
  if (Option.isNone(session) || session.value.userId !== claims.userId || !isActive(session.value, now)) {
    return yield* new Unauthenticated({ reason: "session ended" })
  }
  const user = yield* (yield* UserRepository).findById(claims.userId)
  if (Option.isNone(user)) {
    return yield* new Unauthenticated({ reason: "user no longer exists" })
  }
  if (needsTouch(session.value, now)) {
    yield* sessions.touch(session.value.id, now)
  }
  return {
    userId: user.value.id,
    role: user.value.role,
    sessionId: Option.some(session.value.id),
    apiKeyId: Option.none(),
    scopes: new Set(ALL_SCOPES)
  } satisfies Actor
})
