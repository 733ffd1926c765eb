import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { SessionId } from "../../domain/identity/session.js"
import { NotFound } from "../../domain/shared/errors.js"
import { SessionRepository } from "../ports/session-repository.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { recordAudit } from "./audit.js"
import { requireSession } from "./password.js"

export const listSessions = Effect.fn("Identity.listSessions")(function*(actor: Actor, page: PageRequest) {
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* SessionRepository).listActiveByUser(actor.userId, yield* DateTime.now, after, page.limit)
  const result = toPage(rows, page.limit, (s) => ({ at: DateTime.toEpochMillis(s.createdAt), id: s.id }))
  return {
    ...result,
    items: result.items.map((session) => ({
      session,
      current: Option.isSome(actor.sessionId) && actor.sessionId.value === session.id
    }))
  }
})

/** Ends one of the actor's sessions; someone else's (or an unknown id) answers 404, as if it did not exist. */
export const revokeSession = Effect.fn("Identity.revokeSession")(function*(actor: Actor, sessionId: SessionId) {
  yield* requireSession(actor)
  const sessions = yield* SessionRepository
  const session = yield* sessions.findById(sessionId)
  if (Option.isNone(session) || session.value.userId !== actor.userId) {
    return yield* new NotFound({ resource: "Session" })
  }
  yield* sessions.revoke(sessionId, yield* DateTime.now)
  yield* recordAudit(actor.userId, "session.revoked", { session_id: sessionId })
})

/** Ends every session of the actor but the current one; answers how many. */
export const revokeOtherSessions = Effect.fn("Identity.revokeOtherSessions")(function*(actor: Actor) {
  const current = yield* requireSession(actor)
  const count = yield* (yield* SessionRepository).revokeAllForUser(actor.userId, yield* DateTime.now, Option.some(current))
  if (count > 0) yield* recordAudit(actor.userId, "session.revoked", { count: String(count), scope: "all-others" })
  return count
})
