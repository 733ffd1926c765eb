import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option } from "effect"
import { OneTimeTokens } from "../../application/ports/one-time-tokens.js"
import { UserId } from "../../domain/identity/user.js"
import { orStorageFailure } from "./storage-errors.js"

export const OneTimeTokensSql = Layer.effect(
  OneTimeTokens,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      insert: (token) =>
        sql`INSERT INTO one_time_tokens ${
          sql.insert({
            token_hash: token.tokenHash,
            purpose: token.purpose,
            user_id: token.userId,
            created_at: DateTime.toDateUtc(token.createdAt),
            expires_at: DateTime.toDateUtc(token.expiresAt)
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      find: (tokenHash, purpose, now) =>
        sql<{ user_id: string }>`
          SELECT user_id FROM one_time_tokens
          WHERE token_hash = ${tokenHash} AND purpose = ${purpose} AND used_at IS NULL
            AND expires_at > ${DateTime.toDateUtc(now)}`.pipe(
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => UserId.make(row.user_id))),
          orStorageFailure
        ),
      // One statement: two concurrent consumes of one token cannot both succeed.
      consume: (tokenHash, purpose, now) =>
        sql<{ user_id: string }>`
          UPDATE one_time_tokens SET used_at = ${DateTime.toDateUtc(now)}
          WHERE token_hash = ${tokenHash} AND purpose = ${purpose} AND used_at IS NULL
            AND expires_at > ${DateTime.toDateUtc(now)}
          RETURNING user_id`.pipe(
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => UserId.make(row.user_id))),
          orStorageFailure
        ),
      revokeAll: (userId, purpose, now) =>
        sql`UPDATE one_time_tokens SET used_at = ${DateTime.toDateUtc(now)}
            WHERE user_id = ${userId} AND purpose = ${purpose} AND used_at IS NULL`.pipe(Effect.asVoid, orStorageFailure)
    }
  })
)
