import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { TwoFactorRepository } from "../../application/ports/two-factor-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { orStorageFailure } from "./storage-errors.js"

const StateRow = Schema.Struct({
  user_id: Schema.String,
  secret: Schema.NullOr(Schema.String),
  pending_secret: Schema.NullOr(Schema.String),
  enabled_at: Schema.NullOr(Schema.DateFromSelf),
  last_step: Schema.NullOr(Schema.Union(Schema.Number, Schema.NumberFromString))
})

const ChallengeRow = Schema.Struct({
  id: Schema.String,
  user_id: Schema.String,
  token_hash: Schema.String,
  expires_at: Schema.DateFromSelf,
  attempts: Schema.Number
})

export const TwoFactorRepositorySql = Layer.effect(
  TwoFactorRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      find: (userId) =>
        sql`SELECT * FROM user_totp WHERE user_id = ${userId}`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(StateRow))),
          Effect.map((rows) =>
            Option.map(Option.fromNullable(rows[0]), (row) => ({
              userId: UserId.make(row.user_id),
              secret: Option.fromNullable(row.secret),
              pendingSecret: Option.fromNullable(row.pending_secret),
              enabledAt: Option.map(Option.fromNullable(row.enabled_at), DateTime.unsafeFromDate),
              lastStep: Option.fromNullable(row.last_step)
            }))
          ),
          orStorageFailure
        ),
      setPending: (userId, sealedSecret) =>
        sql`INSERT INTO user_totp (user_id, pending_secret) VALUES (${userId}, ${sealedSecret})
            ON CONFLICT (user_id) DO UPDATE SET pending_secret = EXCLUDED.pending_secret`.pipe(Effect.asVoid, orStorageFailure),
      activate: (userId, now, step, hashes) =>
        sql.withTransaction(
          Effect.gen(function*() {
            yield* sql`UPDATE user_totp SET secret = pending_secret, pending_secret = NULL,
                       enabled_at = ${DateTime.toDateUtc(now)}, last_step = ${step}
                       WHERE user_id = ${userId} AND pending_secret IS NOT NULL`
            yield* sql`DELETE FROM recovery_codes WHERE user_id = ${userId}`
            if (hashes.length > 0) {
              yield* sql`INSERT INTO recovery_codes ${sql.insert(hashes.map((code_hash) => ({ user_id: userId, code_hash })))}`
            }
          })
        ).pipe(orStorageFailure),
      disable: (userId) =>
        sql.withTransaction(
          Effect.zipRight(
            sql`DELETE FROM user_totp WHERE user_id = ${userId}`,
            sql`DELETE FROM recovery_codes WHERE user_id = ${userId}`
          )
        ).pipe(Effect.asVoid, orStorageFailure),
      advanceStep: (userId, step) =>
        sql`UPDATE user_totp SET last_step = ${step}
            WHERE user_id = ${userId} AND secret IS NOT NULL AND (last_step IS NULL OR last_step < ${step})
            RETURNING user_id`.pipe(Effect.map((rows) => rows.length === 1), orStorageFailure),
      consumeRecoveryCode: (userId, codeHash, now) =>
        sql`UPDATE recovery_codes SET used_at = ${DateTime.toDateUtc(now)}
            WHERE user_id = ${userId} AND code_hash = ${codeHash} AND used_at IS NULL
            RETURNING user_id`.pipe(Effect.map((rows) => rows.length === 1), orStorageFailure),
      remainingRecoveryCodes: (userId) =>
        sql<{ n: number | string }>`SELECT count(*) AS n FROM recovery_codes WHERE user_id = ${userId} AND used_at IS NULL`.pipe(
          Effect.map((rows) => Number(rows[0]?.n ?? 0)),
          orStorageFailure
        ),
      insertChallenge: (c) =>
        sql`INSERT INTO login_challenges ${
          sql.insert({ id: c.id, user_id: c.userId, token_hash: c.tokenHash, expires_at: DateTime.toDateUtc(c.expiresAt), attempts: c.attempts })
        }`.pipe(Effect.asVoid, orStorageFailure),
      findChallenge: (tokenHash) =>
        sql`SELECT id, user_id, token_hash, expires_at, attempts FROM login_challenges
            WHERE token_hash = ${tokenHash} AND consumed_at IS NULL`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(ChallengeRow))),
          Effect.map((rows) =>
            Option.map(Option.fromNullable(rows[0]), (row) => ({
              id: row.id,
              userId: UserId.make(row.user_id),
              tokenHash: row.token_hash,
              expiresAt: DateTime.unsafeFromDate(row.expires_at),
              attempts: row.attempts
            }))
          ),
          orStorageFailure
        ),
      recordChallengeFailure: (id) =>
        sql<{ attempts: number }>`UPDATE login_challenges SET attempts = attempts + 1 WHERE id = ${id} RETURNING attempts`.pipe(
          Effect.map((rows) => rows[0]?.attempts ?? Number.MAX_SAFE_INTEGER),
          orStorageFailure
        ),
      consumeChallenge: (id, now) =>
        sql`UPDATE login_challenges SET consumed_at = ${DateTime.toDateUtc(now)}
            WHERE id = ${id} AND consumed_at IS NULL RETURNING id`.pipe(Effect.map((rows) => rows.length === 1), orStorageFailure)
    }
  })
)
