import { SqlClient, SqlSchema } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { type RefreshLookup, SessionRepository } from "../../application/ports/session-repository.js"
import { Session, SessionId } from "../../domain/identity/session.js"
import { UserId } from "../../domain/identity/user.js"
import { orStorageFailure } from "./storage-errors.js"

const SessionRow = Schema.Struct({
  id: Schema.String,
  user_id: Schema.String,
  refresh_token_hash: Schema.String,
  created_at: Schema.DateFromSelf,
  last_used_at: Schema.DateFromSelf,
  expires_at: Schema.DateFromSelf,
  ip: Schema.NullOr(Schema.String),
  user_agent: Schema.NullOr(Schema.String),
  revoked_at: Schema.NullOr(Schema.DateFromSelf)
})
type SessionRow = typeof SessionRow.Type

const LookupRow = Schema.Struct({ ...SessionRow.fields, rotated: Schema.Boolean })

const toSession = (row: SessionRow): Session =>
  new Session({
    id: SessionId.make(row.id),
    userId: UserId.make(row.user_id),
    refreshTokenHash: row.refresh_token_hash,
    createdAt: DateTime.unsafeFromDate(row.created_at),
    lastUsedAt: DateTime.unsafeFromDate(row.last_used_at),
    expiresAt: DateTime.unsafeFromDate(row.expires_at),
    ip: Option.fromNullable(row.ip),
    userAgent: Option.fromNullable(row.user_agent),
    revokedAt: Option.map(Option.fromNullable(row.revoked_at), DateTime.unsafeFromDate)
  })

export const SessionRepositorySql = Layer.effect(
  SessionRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const findById = SqlSchema.findOne({
      Request: Schema.String,
      Result: SessionRow,
      execute: (id) => sql`SELECT * FROM sessions WHERE id = ${id}`
    })
    const findByRefreshHash = SqlSchema.findOne({
      Request: Schema.String,
      Result: LookupRow,
      execute: (hash) =>
        sql`SELECT s.*, false AS rotated FROM sessions s WHERE s.refresh_token_hash = ${hash}
            UNION ALL
            SELECT s.*, true AS rotated FROM session_rotated_tokens r JOIN sessions s ON s.id = r.session_id
            WHERE r.token_hash = ${hash}
            LIMIT 1`
    })
    return {
      insert: (session) =>
        sql`INSERT INTO sessions ${
          sql.insert({
            id: session.id,
            user_id: session.userId,
            refresh_token_hash: session.refreshTokenHash,
            created_at: DateTime.toDateUtc(session.createdAt),
            last_used_at: DateTime.toDateUtc(session.lastUsedAt),
            expires_at: DateTime.toDateUtc(session.expiresAt),
            ip: Option.getOrNull(session.ip),
            user_agent: Option.getOrNull(session.userAgent),
            revoked_at: Option.getOrNull(Option.map(session.revokedAt, DateTime.toDateUtc))
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      findById: (id) => findById(id).pipe(Effect.map(Option.map(toSession)), orStorageFailure),
      findByRefreshHash: (hash) =>
        findByRefreshHash(hash).pipe(
          Effect.map(Option.map((row): RefreshLookup => ({
            _tag: row.rotated ? "Rotated" : "Current",
            session: toSession(row)
          }))),
          orStorageFailure
        ),
      // One statement, so the swap and the record of the old hash stand or fall together, and
      // two concurrent rotations of one token cannot both win.
      rotate: (id, fromHash, toHash, now) =>
        sql<{ session_id: string }>`
          WITH swapped AS (
            UPDATE sessions SET refresh_token_hash = ${toHash}, last_used_at = ${DateTime.toDateUtc(now)}
            WHERE id = ${id} AND refresh_token_hash = ${fromHash} AND revoked_at IS NULL
            RETURNING id
          )
          INSERT INTO session_rotated_tokens (token_hash, session_id, rotated_at)
          SELECT ${fromHash}, id, ${DateTime.toDateUtc(now)} FROM swapped
          RETURNING session_id`.pipe(Effect.map((rows) => rows.length === 1), orStorageFailure),
      touch: (id, now) =>
        sql`UPDATE sessions SET last_used_at = ${DateTime.toDateUtc(now)} WHERE id = ${id}`.pipe(
          Effect.asVoid,
          orStorageFailure
        ),
      revokeAllForUser: (userId, now, except) =>
        sql<{ id: string }>`
          UPDATE sessions SET revoked_at = ${DateTime.toDateUtc(now)}
          WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > ${DateTime.toDateUtc(now)}
            AND id <> ${Option.getOrElse(except, () => "00000000-0000-0000-0000-000000000000")}
          RETURNING id`.pipe(Effect.map((rows) => rows.length), orStorageFailure),
      listActiveByUser: (userId, now, after, limit) =>
        Option.match(after, {
          onNone: () =>
            sql`SELECT * FROM sessions WHERE user_id = ${userId} AND revoked_at IS NULL
                AND expires_at > ${DateTime.toDateUtc(now)}
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM sessions WHERE user_id = ${userId} AND revoked_at IS NULL
                AND expires_at > ${DateTime.toDateUtc(now)} AND (created_at, id) < (${new Date(p.at)}, ${p.id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        }).pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(SessionRow))),
          Effect.map((rows) => rows.map(toSession)),
          orStorageFailure
        ),
      revoke: (id, now) =>
        sql`UPDATE sessions SET revoked_at = ${DateTime.toDateUtc(now)} WHERE id = ${id} AND revoked_at IS NULL`.pipe(
          Effect.asVoid,
          orStorageFailure
        )
    }
  })
)
