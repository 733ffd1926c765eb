import { SqlClient, SqlSchema } from "effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { AuditLog } from "../../application/ports/audit-log.js"
import { AuditEvent, AuditEventId, AuditEventType } from "../../domain/identity/audit.js"
import { UserId } from "../../domain/identity/user.js"
import { allRows, intoClass, Jsonb, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const AuditRow = Row({
  id: AuditEventId,
  userId: Schema.OptionFromNullOr(UserId),
  type: AuditEventType,
  ip: Schema.OptionFromNullOr(Schema.String),
  userAgent: Schema.OptionFromNullOr(Schema.String),
  details: Jsonb(Schema.Record(Schema.String, Schema.String)),
  createdAt: Timestamp
}).pipe(intoClass(AuditEvent))
const events = allRows(AuditRow)

export const AuditLogSql = Layer.effect(
  AuditLog,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const record = SqlSchema.void({ Request: AuditRow, execute: (row) => sql`INSERT INTO audit_events ${sql.insert(row)}` })
    return AuditLog.of({
      record: (event) => record(event).pipe(orStorageFailure),
      listByUser: (userId, after, limit) =>
        events(Option.match(after, {
          onNone: () =>
            sql`SELECT * FROM audit_events WHERE user_id = ${userId}
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM audit_events WHERE user_id = ${userId} AND (created_at, id) < (${new Date(p.at)}, ${p.id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        })).pipe(orStorageFailure)
    })
  })
)
