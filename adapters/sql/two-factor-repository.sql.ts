import { SqlClient, SqlSchema } from "effect/sql"
import { Array as Arr, DateTime, Effect, Layer, Option, Schema } from "effect"
import { TwoFactorRepository } from "../../application/ports/two-factor-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { Int8, firstRow, OptionalTimestamp, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const StateRow = Row({
  userId: UserId,
  secret: Schema.OptionFromNullOr(Schema.String),
  pendingSecret: Schema.OptionFromNullOr(Schema.String),
  enabledAt: OptionalTimestamp,
  // bigint: a TOTP step is the epoch seconds / 30.
  lastStep: Schema.OptionFromNullOr(Int8)
})
const state = firstRow(StateRow)

const ChallengeRow = Row({
  id: Schema.String,
  userId: UserId,
  tokenHash: Schema.String,
  expiresAt: Timestamp,
  attempts: Schema.Int
})
const challenge = firstRow(ChallengeRow)
const attempts = firstRow(Row({ attempts: Schema.Int }))
const remaining = firstRow(Row({ remaining: Int8 }))

export const TwoFactorRepositorySql = Layer.effect(
  TwoFactorRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insertChallenge = SqlSchema.void({ Request: ChallengeRow, execute: (row) => sql`INSERT INTO login_challenges ${sql.insert(row)}` })
    return TwoFactorRepository.of({
      find: (userId) =>
        state(sql`SELECT user_id, secret, pending_secret, enabled_at, last_step FROM user_totp WHERE user_id = ${userId}`).pipe(
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
            if (Arr.isReadonlyArrayNonEmpty(hashes)) {
              yield* sql`INSERT INTO recovery_codes ${sql.insert(Arr.map(hashes, (code_hash) => ({ user_id: userId, code_hash })))}`
            }
          })
        ).pipe(orStorageFailure),
      disable: (userId) =>
        sql.withTransaction(
          Effect.andThen(
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
        remaining(sql`SELECT count(*) AS remaining FROM recovery_codes WHERE user_id = ${userId} AND used_at IS NULL`).pipe(
          Effect.map(Option.match({ onNone: () => 0, onSome: (r) => r.remaining })),
          orStorageFailure
        ),
      insertChallenge: (c) => insertChallenge(c).pipe(orStorageFailure),
      findChallenge: (tokenHash) =>
        challenge(sql`SELECT id, user_id, token_hash, expires_at, attempts FROM login_challenges
            WHERE token_hash = ${tokenHash} AND consumed_at IS NULL`).pipe(orStorageFailure),
      recordChallengeFailure: (id) =>
        attempts(sql`UPDATE login_challenges SET attempts = attempts + 1 WHERE id = ${id} RETURNING attempts`).pipe(
          Effect.map(Option.match({ onNone: () => Number.MAX_SAFE_INTEGER, onSome: (r) => r.attempts })),
          orStorageFailure
        ),
      consumeChallenge: (id, now) =>
        sql`UPDATE login_challenges SET consumed_at = ${DateTime.toDateUtc(now)}
            WHERE id = ${id} AND consumed_at IS NULL RETURNING id`.pipe(Effect.map((rows) => rows.length === 1), orStorageFailure)
    })
  })
)
