import { DateTime, Effect, Option } from "effect"
import { AuditEvent, AuditEventId, type AuditEventType } from "../../domain/identity/audit.js"
import type { Actor } from "../../domain/identity/actor.js"
import type { UserId } from "../../domain/identity/user.js"
import { AuditLog } from "../ports/audit-log.js"
import { Ids } from "../ports/ids.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { currentClient } from "./client.js"

/** Records a security event of an account, or (none) of an attempt on an email no account has. */
export const recordAuditOf = Effect.fn("Identity.recordAudit")(function*(
  userId: Option.Option<UserId>,
  type: AuditEventType,
  details: Record<string, string> = {}
) {
  const client = yield* currentClient
  yield* (yield* AuditLog).record(
    new AuditEvent({
      id: AuditEventId.make(yield* (yield* Ids).next),
      userId,
      type,
      ip: client.ip,
      userAgent: client.userAgent,
      details,
      createdAt: yield* DateTime.now
    })
  )
})

export const recordAudit = (userId: UserId, type: AuditEventType, details: Record<string, string> = {}) =>
  recordAuditOf(Option.some(userId), type, details)

/** The actor's own security events, newest first. */
export const listAuditLog = Effect.fn("Identity.listAuditLog")(function*(actor: Actor, page: PageRequest) {
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* AuditLog).listByUser(actor.userId, after, page.limit)
  return toPage(rows, page.limit, (e) => ({ at: DateTime.toEpochMillis(e.createdAt), id: e.id }))
})
