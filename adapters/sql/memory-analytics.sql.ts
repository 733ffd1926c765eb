import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { MemoryAnalyticsReader, QueryLog } from "../../application/ports/memory-analytics.js"
import { ANALYTICS_TOP, normalizeQuery } from "../../domain/memory/analytics.js"
import { orStorageFailure } from "./storage-errors.js"

export const QueryLogSql = Layer.effect(
  QueryLog,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      record: (e) =>
        sql`INSERT INTO memory_queries ${
          sql.insert({
            id: e.id,
            user_id: e.userId,
            kind: e.kind,
            query: e.query,
            normalized: normalizeQuery(e.query),
            mode: e.mode,
            result_count: e.resultCount,
            created_at: DateTime.toDateUtc(e.createdAt)
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      prune: (before) =>
        sql`DELETE FROM memory_queries WHERE created_at < ${DateTime.toDateUtc(before)} RETURNING id`.pipe(
          Effect.map((rows) => rows.length),
          orStorageFailure
        )
    }
  })
)

const day = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"

/** Each figure is one aggregate query over the user's own rows (indexes on owner / user and date). */
export const MemoryAnalyticsSql = Layer.effect(
  MemoryAnalyticsReader,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      forUser: (userId, sinceUtc) => {
        const since = DateTime.toDateUtc(sinceUtc)
        return Effect.all({
          totals: sql<Record<string, string | number>>`
            SELECT
              (SELECT count(*) FROM memories WHERE owner_id = ${userId}) AS memories,
              (SELECT count(*) FROM memory_collections WHERE owner_id = ${userId}) AS collections,
              (SELECT count(*) FROM memories WHERE owner_id = ${userId} AND pinned) AS pinned,
              (SELECT count(*) FROM memory_shares s JOIN memories m ON m.id = s.memory_id WHERE m.owner_id = ${userId})
                + (SELECT count(*) FROM collection_shares s JOIN memory_collections c ON c.id = s.collection_id WHERE c.owner_id = ${userId}) AS shared_by_me,
              (SELECT count(*) FROM memory_shares WHERE user_id = ${userId})
                + (SELECT count(*) FROM collection_shares WHERE user_id = ${userId}) AS shared_with_me,
              (SELECT count(*) FROM memory_queries WHERE user_id = ${userId} AND kind = 'search' AND created_at >= ${since}) AS searches,
              (SELECT count(*) FROM memory_queries WHERE user_id = ${userId} AND kind = 'rag' AND created_at >= ${since}) AS rag_queries`,
          byCollection: sql<{ collection_id: string | null; name: string | null; count: string }>`
            SELECT * FROM (
              SELECT c.id::text AS collection_id, c.name, count(m.id) AS count
              FROM memory_collections c LEFT JOIN memories m ON m.collection_id = c.id
              WHERE c.owner_id = ${userId} GROUP BY c.id, c.name
              UNION ALL
              SELECT NULL, NULL, count(*) FROM memories WHERE owner_id = ${userId} AND collection_id IS NULL
            ) per ORDER BY count DESC, name NULLS LAST LIMIT ${ANALYTICS_TOP.collections}`,
          byTag: sql<{ tag: string; count: string }>`
            SELECT tag, count(*) AS count FROM memories, unnest(tags) AS tag WHERE owner_id = ${userId}
            GROUP BY tag ORDER BY count DESC, tag LIMIT ${ANALYTICS_TOP.tags}`,
          byType: sql<{ memory_type: string; count: string }>`
            SELECT memory_type, count(*) AS count FROM memories WHERE owner_id = ${userId} GROUP BY memory_type ORDER BY count DESC, memory_type`,
          createdPerDay: sql<{ date: string; count: string }>`
            SELECT ${sql.literal(day)} AS date, count(*) AS count FROM memories
            WHERE owner_id = ${userId} AND created_at >= ${since} GROUP BY 1 ORDER BY 1`,
          queriesPerDay: sql<{ date: string; searches: string; rag_queries: string }>`
            SELECT ${sql.literal(day)} AS date,
                   count(*) FILTER (WHERE kind = 'search') AS searches, count(*) FILTER (WHERE kind = 'rag') AS rag_queries
            FROM memory_queries WHERE user_id = ${userId} AND created_at >= ${since} GROUP BY 1 ORDER BY 1`,
          topQueries: sql<{ query: string; count: string; last_at: Date }>`
            SELECT normalized AS query, count(*) AS count, max(created_at) AS last_at FROM memory_queries
            WHERE user_id = ${userId} AND created_at >= ${since}
            GROUP BY normalized ORDER BY count DESC, last_at DESC, normalized LIMIT ${ANALYTICS_TOP.queries}`
        }).pipe(
          Effect.map((r) => {
            const t = r.totals[0] ?? {}
            const n = (key: string) => Number(t[key] ?? 0)
            return {
              totals: {
                memories: n("memories"),
                collections: n("collections"),
                pinned: n("pinned"),
                sharedByMe: n("shared_by_me"),
                sharedWithMe: n("shared_with_me"),
                searches: n("searches"),
                ragQueries: n("rag_queries")
              },
              byCollection: r.byCollection.map((x) => ({ collectionId: x.collection_id, name: x.name, count: Number(x.count) })),
              byTag: r.byTag.map((x) => ({ tag: x.tag, count: Number(x.count) })),
              byType: r.byType.map((x) => ({ memoryType: x.memory_type, count: Number(x.count) })),
              createdPerDay: r.createdPerDay.map((x) => ({ date: x.date, count: Number(x.count) })),
              queriesPerDay: r.queriesPerDay.map((x) => ({ date: x.date, searches: Number(x.searches), ragQueries: Number(x.rag_queries) })),
              topQueries: r.topQueries.map((x) => ({ query: x.query, count: Number(x.count), lastAt: DateTime.unsafeFromDate(new Date(x.last_at)) }))
            }
          }),
          orStorageFailure
        )
      }
    }
  })
)
