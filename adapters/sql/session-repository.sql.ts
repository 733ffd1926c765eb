import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { type RefreshLookup, SessionRepository } from "../../application/ports/session-repository.js"
import { Session, SessionId } from "../../domain/identity/session.js"
import { UserId } from "../../domain/identity/user.js"
import { allRows, asIs, firstRow, instant, intoClass, optional, OptionalTimestamp, Row, Timestamp } from "./rows.js"
import { touchMany } from "./last-uses.js"
import { orStorageFailure } from "./storage-errors.js"
import { JOINED_USER_COLUMNS, joinedUserOf, userOfRow } from "./user-repository.sql.js"

export const SessionRow = Row({
  id: SessionId,
  userId: UserId,
  refreshTokenHash: Schema.String,
  createdAt: Timestamp,
  lastUsedAt: Timestamp,
  expiresAt: Timestamp,
  ip: Schema.OptionFromNullOr(Schema.String),
  userAgent: Schema.OptionFromNullOr(Schema.String),
  revokedAt: OptionalTimestamp
}).pipe(intoClass(Session))
const session = firstRow(SessionRow)

/**
 * A sessions row into a Session, as SessionRow decodes it, by Session's own constructor (which
 * checks every field), for the read behind every authenticated request: Schema's parser costs
 * several times the checks themselves on such a row (tests/adapters/rows.test.ts holds the two
 * equal and refusing the same rows). A row it refuses throws: a defect, as with SessionRow.
 */
export const sessionOfRow = (row: Readonly<Record<string, unknown>>): Session =>
  new Session({
    id: row["id"],
    userId: row["user_id"],
    refreshTokenHash: row["refresh_token_hash"],
    createdAt: instant(row["created_at"]),
    lastUsedAt: instant(row["last_used_at"]),
    expiresAt: instant(row["expires_at"]),
    ip: optional(row["ip"], asIs),
    userAgent: optional(row["user_agent"], asIs),
    revokedAt: optional(row["revoked_at"], instant)
  } as unknown as ConstructorParameters<typeof Session>[0])
const sessions = allRows(SessionRow)

export const SessionRepositorySql = Layer.effect(
  SessionRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insert = SqlSchema.void({ Request: SessionRow, execute: (row) => sql`INSERT INTO sessions ${sql.insert(row)}` })
    const findByRefreshHash = SqlSchema.findOneOption({
      Request: Schema.String,
      // The session's columns, and whether the hash looked up is one it has rotated away from.
      Result: Schema.Struct({ session: SessionRow, rotated: Schema.Boolean }),
      execute: (hash) =>
        sql`SELECT s.*, false AS rotated FROM sessions s WHERE s.refresh_token_hash = ${hash}
            UNION ALL
            SELECT s.*, true AS rotated FROM session_rotated_tokens r JOIN sessions s ON s.id = r.session_id
            WHERE r.token_hash = ${hash}
            LIMIT 1`.pipe(Effect.map((rows) => rows.map((row) => ({ session: row, rotated: row["rotated"] }))))
    })
    return SessionRepository.of({
      insert: (s) => insert(s).pipe(orStorageFailure),
      findById: (id) => session(sql`SELECT * FROM sessions WHERE id = ${id}`).pipe(orStorageFailure),
      // The session and its user, from one joined row.
      findForAuthentication: (id) =>
        sql`SELECT s.*, ${sql.literal(JOINED_USER_COLUMNS)} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ${id}`.pipe(
          Effect.map((rows) => Option.map(Option.fromUndefinedOr(rows[0]), (row) => ({ session: sessionOfRow(row), user: userOfRow(joinedUserOf(row)) }))),
          orStorageFailure
        ),
      findByRefreshHash: (hash) =>
        findByRefreshHash(hash).pipe(
          Effect.map(Option.map(({ rotated, session }): RefreshLookup => ({ _tag: rotated ? "Rotated" : "Current", session }))),
          orStorageFailure
        ),
      // One statement, so the swap and the record of the old hash stand or fall together, and
      // two concurrent rotations of one token cannot both win.
      rotate: (id, fromHash, toHash, now) =>
        sql`
          WITH swapped AS (
            UPDATE sessions SET refresh_token_hash = ${toHash}, last_used_at = ${DateTime.toDateUtc(now)}
            WHERE id = ${id} AND refresh_token_hash = ${fromHash} AND revoked_at IS NULL
            RETURNING id
          )
          INSERT INTO session_rotated_tokens (token_hash, session_id, rotated_at)
          SELECT ${fromHash}, id, ${DateTime.toDateUtc(now)} FROM swapped
          RETURNING session_id`.pipe(Effect.map((rows) => rows.length === 1), orStorageFailure),
      touchMany: touchMany(sql, "sessions"),
      revokeAllForUser: (userId, now, except) =>
        sql`
          UPDATE sessions SET revoked_at = ${DateTime.toDateUtc(now)}
          WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > ${DateTime.toDateUtc(now)}
            AND id <> ${Option.getOrElse(except, () => "00000000-0000-0000-0000-000000000000")}
          RETURNING id`.pipe(Effect.map((rows) => rows.length), orStorageFailure),
      listActiveByUser: (userId, now, after, limit) =>
        sessions(Option.match(after, {
          onNone: () =>
            sql`SELECT * FROM sessions WHERE user_id = ${userId} AND revoked_at IS NULL
                AND expires_at > ${DateTime.toDateUtc(now)}
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM sessions WHERE user_id = ${userId} AND revoked_at IS NULL
                AND expires_at > ${DateTime.toDateUtc(now)} AND (created_at, id) < (${new Date(p.at)}, ${p.id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        })).pipe(orStorageFailure),
      revoke: (id, now) =>
        sql`UPDATE sessions SET revoked_at = ${DateTime.toDateUtc(now)} WHERE id = ${id} AND revoked_at IS NULL`.pipe(
          Effect.asVoid,
          orStorageFailure
        )
    })
  })
)
