import { DateTime, Effect, Option } from "effect"
import { type Actor, ALL_SCOPES } from "../../domain/identity/actor.js"
import { Unauthenticated } from "../../domain/identity/errors.js"
import { isActive, needsTouch } from "../../domain/identity/session.js"
import { AccessTokens } from "../ports/access-tokens.js"
import { LastUseRecorder } from "../ports/last-use-recorder.js"
import { SessionRepository } from "../ports/session-repository.js"

/**
 * Turns a bearer access token into the Actor behind it. The session (with its user) is read on
 * every request, so logging out (or a revoked session) stops its access tokens at once rather than
 * at expiry, in every process; nothing is written: the last use is recorded in the background.
 * Untraced, unlike the other use-cases: it runs before every authenticated request, and a traced
 * Effect.fn takes a stack trace (an Error) and opens a span on each call, which no exporter reads.
 */
export const authenticateAccessToken = Effect.fnUntraced(function*(token: string) {
  const claims = yield* (yield* AccessTokens).verify(token)
  const now = yield* DateTime.now
  const found = yield* (yield* SessionRepository).findForAuthentication(claims.sessionId)
  // A session whose user is gone is gone with it (the row cascades; the join finds neither).
  if (Option.isNone(found) || found.value.session.userId !== claims.userId || !isActive(found.value.session, now)) {
    return yield* new Unauthenticated({ reason: "session ended" })
  }
  const { session, user } = found.value
  if (needsTouch(session, now)) {
    yield* (yield* LastUseRecorder).session(session.id, now)
  }
  return {
    userId: session.userId,
    role: user.role,
    sessionId: Option.some(session.id),
    apiKeyId: Option.none(),
    scopes: new Set(ALL_SCOPES),
    user
  } satisfies Actor
})
