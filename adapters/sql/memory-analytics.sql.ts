import { SqlClient, SqlSchema } from "effect/sql"
import { Array as Arr, DateTime, Effect, Layer, Option, Schema } from "effect"
import { MemoryAnalyticsReader, QueryLog } from "../../application/ports/memory-analytics.js"
import { UserId } from "../../domain/identity/user.js"
import { ANALYTICS_TOP, normalizeQuery } from "../../domain/memory/analytics.js"
import { allRows, firstRow, Int8, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const QueryRow = Row({
  id: Schema.String,
  userId: UserId,
  kind: Schema.Literals(["search", "rag"]),
  query: Schema.String,
  mode: Schema.String,
  resultCount: Schema.Int,
  createdAt: Timestamp
})

export const QueryLogSql = Layer.effect(
  QueryLog,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const recordMany = SqlSchema.void({
      Request: Schema.NonEmptyArray(QueryRow),
      // Grouped by its normalized form, kept beside the query as typed.
      execute: (rows) => sql`INSERT INTO memory_queries ${sql.insert(Arr.map(rows, (row) => ({ ...row, normalized: normalizeQuery(row.query) })))}`
    })
    return QueryLog.of({
      record: (entry) => recordMany([entry]).pipe(orStorageFailure),
      recordMany: (entries) => Arr.isReadonlyArrayNonEmpty(entries) ? recordMany(entries).pipe(orStorageFailure) : Effect.void,
      prune: (before) =>
        sql`DELETE FROM memory_queries WHERE created_at < ${DateTime.toDateUtc(before)} RETURNING id`.pipe(
          Effect.map((rows) => rows.length),
          orStorageFailure
        )
    })
  })
)

// Every count(*) is a bigint.
const totals = firstRow(Row({
  memories: Int8,
  collections: Int8,
  pinned: Int8,
  sharedByMe: Int8,
  sharedWithMe: Int8,
  searches: Int8,
  ragQueries: Int8
}))
const byCollection = allRows(Row({ collectionId: Schema.NullOr(Schema.String), name: Schema.NullOr(Schema.String), count: Int8 }))
const byTag = allRows(Row({ tag: Schema.String, count: Int8 }))
const byType = allRows(Row({ memoryType: Schema.String, count: Int8 }))
const createdPerDay = allRows(Row({ date: Schema.String, count: Int8 }))
const queriesPerDay = allRows(Row({ date: Schema.String, searches: Int8, ragQueries: Int8 }))
const topQueries = allRows(Row({ query: Schema.String, count: Int8, lastAt: Timestamp }))

const day = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
const NO_TOTALS = { memories: 0, collections: 0, pinned: 0, sharedByMe: 0, sharedWithMe: 0, searches: 0, ragQueries: 0 }

/** Each figure is one aggregate query over the user's own rows (indexes on owner / user and date). */
export const MemoryAnalyticsSql = Layer.effect(
  MemoryAnalyticsReader,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return MemoryAnalyticsReader.of({
      forUser: (userId, sinceUtc) => {
        const since = DateTime.toDateUtc(sinceUtc)
        return Effect.all({
          totals: totals(sql`
            SELECT
              (SELECT count(*) FROM memories WHERE owner_id = ${userId}) AS memories,
              (SELECT count(*) FROM memory_collections WHERE owner_id = ${userId}) AS collections,
              (SELECT count(*) FROM memories WHERE owner_id = ${userId} AND pinned) AS pinned,
              (SELECT count(*) FROM memory_shares s JOIN memories m ON m.id = s.memory_id WHERE m.owner_id = ${userId})
                + (SELECT count(*) FROM collection_shares s JOIN memory_collections c ON c.id = s.collection_id WHERE c.owner_id = ${userId}) AS shared_by_me,
              (SELECT count(*) FROM memory_shares WHERE user_id = ${userId})
                + (SELECT count(*) FROM collection_shares WHERE user_id = ${userId}) AS shared_with_me,
              (SELECT count(*) FROM memory_queries WHERE user_id = ${userId} AND kind = 'search' AND created_at >= ${since}) AS searches,
              (SELECT count(*) FROM memory_queries WHERE user_id = ${userId} AND kind = 'rag' AND created_at >= ${since}) AS rag_queries`).pipe(
            Effect.map(Option.getOrElse(() => NO_TOTALS))
          ),
          byCollection: byCollection(sql`
            SELECT * FROM (
              SELECT c.id::text AS collection_id, c.name, count(m.id) AS count
              FROM memory_collections c LEFT JOIN memories m ON m.collection_id = c.id
              WHERE c.owner_id = ${userId} GROUP BY c.id, c.name
              UNION ALL
              SELECT NULL, NULL, count(*) FROM memories WHERE owner_id = ${userId} AND collection_id IS NULL
            ) per ORDER BY count DESC, name NULLS LAST LIMIT ${ANALYTICS_TOP.collections}`),
          byTag: byTag(sql`
            SELECT tag, count(*) AS count FROM memories, unnest(tags) AS tag WHERE owner_id = ${userId}
            GROUP BY tag ORDER BY count DESC, tag LIMIT ${ANALYTICS_TOP.tags}`),
          byType: byType(sql`
            SELECT memory_type, count(*) AS count FROM memories WHERE owner_id = ${userId} GROUP BY memory_type ORDER BY count DESC, memory_type`),
          createdPerDay: createdPerDay(sql`
            SELECT ${sql.literal(day)} AS date, count(*) AS count FROM memories
            WHERE owner_id = ${userId} AND created_at >= ${since} GROUP BY 1 ORDER BY 1`),
          queriesPerDay: queriesPerDay(sql`
            SELECT ${sql.literal(day)} AS date,
                   count(*) FILTER (WHERE kind = 'search') AS searches, count(*) FILTER (WHERE kind = 'rag') AS rag_queries
            FROM memory_queries WHERE user_id = ${userId} AND created_at >= ${since} GROUP BY 1 ORDER BY 1`),
          topQueries: topQueries(sql`
            SELECT normalized AS query, count(*) AS count, max(created_at) AS last_at FROM memory_queries
            WHERE user_id = ${userId} AND created_at >= ${since}
            GROUP BY normalized ORDER BY count DESC, last_at DESC, normalized LIMIT ${ANALYTICS_TOP.queries}`)
        }).pipe(orStorageFailure)
      }
    })
  })
)
