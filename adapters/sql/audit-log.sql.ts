import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { AuditLog } from "../../application/ports/audit-log.js"
import { AuditEvent, AuditEventId, AuditEventType } from "../../domain/identity/audit.js"
import { UserId } from "../../domain/identity/user.js"
import { orStorageFailure } from "./storage-errors.js"

const AuditRow = Schema.Struct({
  id: Schema.String,
  user_id: Schema.String,
  type: AuditEventType,
  ip: Schema.NullOr(Schema.String),
  user_agent: Schema.NullOr(Schema.String),
  details: Schema.Record({ key: Schema.String, value: Schema.String }),
  created_at: Schema.DateFromSelf
})
const decodeRows = Schema.decodeUnknown(Schema.Array(AuditRow))

export const AuditLogSql = Layer.effect(
  AuditLog,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      record: (event) =>
        sql`INSERT INTO audit_events ${
          sql.insert({
            id: event.id,
            user_id: event.userId,
            type: event.type,
            ip: Option.getOrNull(event.ip),
            user_agent: Option.getOrNull(event.userAgent),
            details: JSON.stringify(event.details),
            created_at: DateTime.toDateUtc(event.createdAt)
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      listByUser: (userId, after, limit) =>
        Option.match(after, {
          onNone: () =>
            sql`SELECT * FROM audit_events WHERE user_id = ${userId}
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM audit_events WHERE user_id = ${userId} AND (created_at, id) < (${new Date(p.at)}, ${p.id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        }).pipe(
          Effect.flatMap(decodeRows),
          Effect.map((rows) =>
            rows.map((row) =>
              new AuditEvent({
                id: AuditEventId.make(row.id),
                userId: UserId.make(row.user_id),
                type: row.type,
                ip: Option.fromNullable(row.ip),
                userAgent: Option.fromNullable(row.user_agent),
                details: row.details,
                createdAt: DateTime.unsafeFromDate(row.created_at)
              })
            )
          ),
          orStorageFailure
        )
    }
  })
)
