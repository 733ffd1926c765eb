import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { Scope } from "../../domain/identity/actor.js"
import { ApiKey, ApiKeyId } from "../../domain/identity/api-key.js"
import { UserId } from "../../domain/identity/user.js"
import { allRows, firstRow, Int8, intoClass, OptionalTimestamp, Row, Timestamp } from "./rows.js"
import { touchMany } from "./last-uses.js"
import { orStorageFailure } from "./storage-errors.js"
import { JOINED_USER_COLUMNS, joinedUserOf, UserRow } from "./user-repository.sql.js"

const ApiKeyRow = Row({
  id: ApiKeyId,
  userId: UserId,
  name: Schema.String,
  prefix: Schema.String,
  keyHash: Schema.String,
  scopes: Schema.Array(Scope),
  expiresAt: OptionalTimestamp,
  lastUsedAt: OptionalTimestamp,
  createdAt: Timestamp,
  revokedAt: OptionalTimestamp
}).pipe(intoClass(ApiKey))
// The key and its user, from one joined row.
const authentication = firstRow(Schema.Struct({ key: ApiKeyRow, user: UserRow }))
const apiKey = firstRow(ApiKeyRow)
const apiKeys = allRows(ApiKeyRow)
const activeCount = firstRow(Row({ count: Int8 }))

export const ApiKeyRepositorySql = Layer.effect(
  ApiKeyRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insert = SqlSchema.void({ Request: ApiKeyRow, execute: (row) => sql`INSERT INTO api_keys ${sql.insert(row)}` })
    return ApiKeyRepository.of({
      insert: (key) => insert(key).pipe(orStorageFailure),
      insertWithinLimit: (key, maxActive) =>
        sql.withTransaction(Effect.gen(function*() {
          // The user's row is locked until the transaction ends: a concurrent insert for the same
          // user waits here and then counts this key.
          yield* sql`SELECT id FROM users WHERE id = ${key.userId} FOR UPDATE`
          const at = DateTime.toDateUtc(key.createdAt)
          const active = yield* activeCount(sql`SELECT count(*) AS count FROM api_keys
            WHERE user_id = ${key.userId} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${at})`)
          if (Option.match(active, { onNone: () => 0, onSome: (row) => row.count }) >= maxActive) return false
          yield* insert(key)
          return true
        })).pipe(orStorageFailure),
      revokeAllForUser: (userId, now) =>
        sql`UPDATE api_keys SET revoked_at = ${DateTime.toDateUtc(now)}
            WHERE user_id = ${userId} AND revoked_at IS NULL RETURNING id`.pipe(
          Effect.map((rows) => rows.length),
          orStorageFailure
        ),
      findByHash: (hash) => apiKey(sql`SELECT * FROM api_keys WHERE key_hash = ${hash}`).pipe(orStorageFailure),
      findForAuthentication: (hash) =>
        authentication(
          sql`SELECT k.*, ${sql.literal(JOINED_USER_COLUMNS)} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ${hash}`.pipe(
            Effect.map((rows) => rows.map((row) => ({ key: row, user: joinedUserOf(row) })))
          )
        ).pipe(orStorageFailure),
      listByUser: (userId, after, limit) =>
        apiKeys(Option.match(after, {
          onNone: () =>
            sql`SELECT * FROM api_keys WHERE user_id = ${userId} AND revoked_at IS NULL
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM api_keys WHERE user_id = ${userId} AND revoked_at IS NULL
                AND (created_at, id) < (${new Date(p.at)}, ${p.id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        })).pipe(orStorageFailure),
      revoke: (id, userId, now) =>
        sql`UPDATE api_keys SET revoked_at = ${DateTime.toDateUtc(now)}
            WHERE id = ${id} AND user_id = ${userId} AND revoked_at IS NULL RETURNING id`.pipe(
          Effect.map((rows) => rows.length === 1),
          orStorageFailure
        ),
      touchMany: touchMany(sql, "api_keys")
    })
  })
)
