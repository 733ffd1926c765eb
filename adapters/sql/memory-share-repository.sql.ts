import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { MemoryShareRepository } from "../../application/ports/memory-share-repository.js"
import { Share, SharePermission, type ShareKind } from "../../domain/memory/sharing.js"
import { orStorageFailure } from "./storage-errors.js"

const ShareRow = Schema.Struct({
  kind: Schema.Literal("memory", "collection"),
  target_id: Schema.String,
  user_id: Schema.String,
  permission: SharePermission,
  created_at: Schema.DateFromSelf
})
const decodeShares = Schema.decodeUnknown(Schema.Array(ShareRow))
const toShare = (row: typeof ShareRow.Type) =>
  new Share({ kind: row.kind, targetId: row.target_id, userId: row.user_id, permission: row.permission, createdAt: DateTime.unsafeFromDate(row.created_at) })

/** One table per kind, so each share has a real foreign key to what it shares. */
const TABLES = {
  memory: { table: "memory_shares", column: "memory_id" },
  collection: { table: "collection_shares", column: "collection_id" }
} as const satisfies Record<ShareKind, { table: string; column: string }>

export const MemoryShareRepositorySql = Layer.effect(
  MemoryShareRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const both = sql.literal(`
      SELECT 'memory' AS kind, memory_id AS target_id, user_id, permission, created_at FROM memory_shares
      UNION ALL
      SELECT 'collection' AS kind, collection_id AS target_id, user_id, permission, created_at FROM collection_shares`)
    return {
      grant: (share) => {
        const { column, table } = TABLES[share.kind]
        return sql`INSERT INTO ${sql(table)} (${sql(column)}, user_id, permission, created_at)
                   VALUES (${share.targetId}, ${share.userId}, ${share.permission}, ${DateTime.toDateUtc(share.createdAt)})
                   ON CONFLICT (${sql(column)}, user_id) DO UPDATE SET permission = EXCLUDED.permission
                   RETURNING ${sql.literal(`'${share.kind}'`)} AS kind, ${sql(column)} AS target_id, user_id, permission, created_at`.pipe(
          Effect.flatMap(decodeShares),
          Effect.map((rows) => toShare(rows[0]!)),
          orStorageFailure
        )
      },
      revoke: (kind, targetId, userId) => {
        const { column, table } = TABLES[kind]
        return sql`DELETE FROM ${sql(table)} WHERE ${sql(column)} = ${targetId} AND user_id = ${userId} RETURNING user_id`.pipe(
          Effect.map((rows) => rows.length > 0),
          orStorageFailure
        )
      },
      grantsOf: (userId) =>
        sql`SELECT * FROM (${both}) s WHERE user_id = ${userId}`.pipe(
          Effect.flatMap(decodeShares),
          Effect.map((rows) => ({
            memories: new Map(rows.filter((r) => r.kind === "memory").map((r) => [r.target_id, r.permission])),
            collections: new Map(rows.filter((r) => r.kind === "collection").map((r) => [r.target_id, r.permission]))
          })),
          orStorageFailure
        ),
      listFor: (kind, targetId) =>
        sql`SELECT * FROM (${both}) s WHERE kind = ${kind} AND target_id = ${targetId} ORDER BY created_at, user_id`.pipe(
          Effect.flatMap(decodeShares),
          Effect.map((rows) => rows.map(toShare)),
          orStorageFailure
        ),
      sharedWith: (userId, after, limit) =>
        sql`SELECT * FROM (${both}) s WHERE ${
          sql.and([
            sql`user_id = ${userId}`,
            ...Option.toArray(Option.map(after, (p) => sql`(created_at, target_id) < (${new Date(p.at)}, ${p.id}::uuid)`))
          ])
        } ORDER BY created_at DESC, target_id DESC LIMIT ${limit + 1}`.pipe(
          Effect.flatMap(decodeShares),
          Effect.map((rows) => rows.map(toShare)),
          orStorageFailure
        )
    }
  })
)
