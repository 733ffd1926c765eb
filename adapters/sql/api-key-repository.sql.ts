import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { Scope } from "../../domain/identity/actor.js"
import { ApiKey, ApiKeyId } from "../../domain/identity/api-key.js"
import { UserId } from "../../domain/identity/user.js"
import { orStorageFailure } from "./storage-errors.js"

const ApiKeyRow = Schema.Struct({
  id: Schema.String,
  user_id: Schema.String,
  name: Schema.String,
  prefix: Schema.String,
  key_hash: Schema.String,
  scopes: Schema.Array(Scope),
  expires_at: Schema.NullOr(Schema.DateFromSelf),
  last_used_at: Schema.NullOr(Schema.DateFromSelf),
  created_at: Schema.DateFromSelf,
  revoked_at: Schema.NullOr(Schema.DateFromSelf)
})
const decodeRows = Schema.decodeUnknown(Schema.Array(ApiKeyRow))
const optionalDate = (d: Date | null) => Option.map(Option.fromNullable(d), DateTime.unsafeFromDate)

const toApiKey = (row: typeof ApiKeyRow.Type) =>
  new ApiKey({
    id: ApiKeyId.make(row.id),
    userId: UserId.make(row.user_id),
    name: row.name,
    prefix: row.prefix,
    keyHash: row.key_hash,
    scopes: row.scopes,
    expiresAt: optionalDate(row.expires_at),
    lastUsedAt: optionalDate(row.last_used_at),
    createdAt: DateTime.unsafeFromDate(row.created_at),
    revokedAt: optionalDate(row.revoked_at)
  })

export const ApiKeyRepositorySql = Layer.effect(
  ApiKeyRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const toDate = (o: Option.Option<DateTime.Utc>) => Option.getOrNull(Option.map(o, DateTime.toDateUtc))
    return {
      insert: (key) =>
        sql`INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scopes, expires_at, last_used_at, created_at, revoked_at)
            VALUES (${key.id}, ${key.userId}, ${key.name}, ${key.prefix}, ${key.keyHash},
                    ${`{${key.scopes.join(",")}}`}::text[], ${toDate(key.expiresAt)}, ${toDate(key.lastUsedAt)},
                    ${DateTime.toDateUtc(key.createdAt)}, ${toDate(key.revokedAt)})`.pipe(Effect.asVoid, orStorageFailure),
      findByHash: (hash) =>
        sql`SELECT * FROM api_keys WHERE key_hash = ${hash}`.pipe(
          Effect.flatMap(decodeRows),
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toApiKey)),
          orStorageFailure
        ),
      listByUser: (userId, after, limit) =>
        Option.match(after, {
          onNone: () =>
            sql`SELECT * FROM api_keys WHERE user_id = ${userId} AND revoked_at IS NULL
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM api_keys WHERE user_id = ${userId} AND revoked_at IS NULL
                AND (created_at, id) < (${new Date(p.at)}, ${p.id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        }).pipe(Effect.flatMap(decodeRows), Effect.map((rows) => rows.map(toApiKey)), orStorageFailure),
      revoke: (id, userId, now) =>
        sql`UPDATE api_keys SET revoked_at = ${DateTime.toDateUtc(now)}
            WHERE id = ${id} AND user_id = ${userId} AND revoked_at IS NULL RETURNING id`.pipe(
          Effect.map((rows) => rows.length === 1),
          orStorageFailure
        ),
      touch: (id, now) =>
        sql`UPDATE api_keys SET last_used_at = ${DateTime.toDateUtc(now)} WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure)
    }
  })
)
