import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { OneTimeTokens } from "../../application/ports/one-time-tokens.js"
import { UserId } from "../../domain/identity/user.js"
import { firstRow, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const TokenRow = Row({
  tokenHash: Schema.String,
  purpose: Schema.Literals(["verify-email", "reset-password", "unlock-account"]),
  userId: UserId,
  createdAt: Timestamp,
  expiresAt: Timestamp
})
const holder = firstRow(Row({ userId: UserId }))

export const OneTimeTokensSql = Layer.effect(
  OneTimeTokens,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insert = SqlSchema.void({ Request: TokenRow, execute: (row) => sql`INSERT INTO one_time_tokens ${sql.insert(row)}` })
    return OneTimeTokens.of({
      insert: (token) => insert(token).pipe(orStorageFailure),
      find: (tokenHash, purpose, now) =>
        holder(sql`
          SELECT user_id FROM one_time_tokens
          WHERE token_hash = ${tokenHash} AND purpose = ${purpose} AND used_at IS NULL
            AND expires_at > ${DateTime.toDateUtc(now)}`).pipe(
          Effect.map((row) => row.pipe(Option.map((r) => r.userId))),
          orStorageFailure
        ),
      // One statement: two concurrent consumes of one token cannot both succeed.
      consume: (tokenHash, purpose, now) =>
        holder(sql`
          UPDATE one_time_tokens SET used_at = ${DateTime.toDateUtc(now)}
          WHERE token_hash = ${tokenHash} AND purpose = ${purpose} AND used_at IS NULL
            AND expires_at > ${DateTime.toDateUtc(now)}
          RETURNING user_id`).pipe(
          Effect.map((row) => row.pipe(Option.map((r) => r.userId))),
          orStorageFailure
        ),
      revokeAll: (userId, purpose, now) =>
        sql`UPDATE one_time_tokens SET used_at = ${DateTime.toDateUtc(now)}
            WHERE user_id = ${userId} AND purpose = ${purpose} AND used_at IS NULL`.pipe(Effect.asVoid, orStorageFailure)
    })
  })
)
