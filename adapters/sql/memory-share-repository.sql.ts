import { SqlClient } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { MemoryShareRepository } from "../../application/ports/memory-share-repository.js"
import { Share, ShareKind, SharePermission } from "../../domain/memory/sharing.js"
import { allRows, firstRow, intoClass, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const ShareRow = Row({
  kind: ShareKind,
  targetId: Schema.String,
  userId: Schema.String,
  permission: SharePermission,
  createdAt: Timestamp
}).pipe(intoClass(Share))
const share = firstRow(ShareRow)
const shares = allRows(ShareRow)

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
    return MemoryShareRepository.of({
      grant: (s) => {
        const { column, table } = TABLES[s.kind]
        return share(sql`INSERT INTO ${sql(table)} (${sql(column)}, user_id, permission, created_at)
                   VALUES (${s.targetId}, ${s.userId}, ${s.permission}, ${DateTime.toDateUtc(s.createdAt)})
                   ON CONFLICT (${sql(column)}, user_id) DO UPDATE SET permission = EXCLUDED.permission
                   RETURNING ${sql.literal(`'${s.kind}'`)} AS kind, ${sql(column)} AS target_id, user_id, permission, created_at`).pipe(
          // An upsert answers its row whether it inserted or updated.
          Effect.flatMap(Option.match({ onNone: () => Effect.die(new Error("the share upsert answered no row")), onSome: Effect.succeed })),
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
        shares(sql`SELECT * FROM (${both}) s WHERE user_id = ${userId}`).pipe(
          Effect.map((rows) => ({
            memories: new Map(rows.filter((r) => r.kind === "memory").map((r) => [r.targetId, r.permission])),
            collections: new Map(rows.filter((r) => r.kind === "collection").map((r) => [r.targetId, r.permission]))
          })),
          orStorageFailure
        ),
      listFor: (kind, targetId) =>
        shares(sql`SELECT * FROM (${both}) s WHERE kind = ${kind} AND target_id = ${targetId} ORDER BY created_at, user_id`).pipe(
          orStorageFailure
        ),
      sharedWith: (userId, after, limit) =>
        shares(sql`SELECT * FROM (${both}) s WHERE ${
          sql.and([
            sql`user_id = ${userId}`,
            ...Option.toArray(Option.map(after, (p) => sql`(created_at, target_id) < (${new Date(p.at)}, ${p.id}::uuid)`))
          ])
        } ORDER BY created_at DESC, target_id DESC LIMIT ${limit + 1}`).pipe(orStorageFailure)
    })
  })
)
