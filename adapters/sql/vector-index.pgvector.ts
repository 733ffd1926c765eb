import { SqlClient } from "effect/sql"
import type { SqlError } from "effect/sql/SqlError"
import { Effect, Layer, Option, Schema } from "effect"
import { bestChunkPerMemory, VectorIndex, type VectorHit } from "../../application/ports/vector-index.js"
import { MemoryId } from "../../domain/memory/memory.js"
import { orStorageFailure } from "./storage-errors.js"
import { chunkStore } from "./chunk-store.js"
import { allRows, firstRow, Row } from "./rows.js"

export class PgvectorUnavailable extends Error {
  override readonly name = "PgvectorUnavailable"
}

const literal = (v: ReadonlyArray<number>) => `[${v.join(",")}]`
/**
 * The HNSW candidate list for a query asking `limit` rows: at least EF_SEARCH_MIN, at most 1,000.
 * Measured at 100,000 memories (150 of bench/memories.ts's queries, embedded by the local model;
 * HNSW builds are randomised, so two builds of one graph differ a little): with the graph below,
 * recall@10 against exact search is 0.947 and 0.958 at 200 (two builds), 0.965 at 250, 0.971 at 400,
 * at a p50 of 8.7-9.4 ms (200) and 9.3 ms (250) per index query on PGlite; pgvector's default graph
 * (m 16, ef_construction 64) gave 0.929 at 200 and 0.947 at 400 (p50 6.9 and 10.9 ms).
 */
export const EF_SEARCH_MIN = 250
/**
 * The graph: more links per node (m) and a wider search while building (ef_construction) than
 * pgvector's defaults, for recall at a given ef_search. It costs the build (88 s -> 161 s at 100,000
 * chunks on PGlite) and each insert, not the index's size on disk (260 MB either way).
 */
export const HNSW_OPTIONS = { m: 24, efConstruction: 128 } as const
const efSearch = (limit: number) => Math.min(1000, Math.max(EF_SEARCH_MIN, limit * 2))
const installed = firstRow(Row({ installed: Schema.Boolean }))
const indexDefinition = firstRow(Row({ indexdef: Schema.String }))
/** Whether an index definition (as pg_indexes prints it: `WITH (m='24', ef_construction='128')`) has HNSW_OPTIONS. */
export const hasOptions = (indexdef: string) =>
  indexdef.includes(`m='${HNSW_OPTIONS.m}'`) && indexdef.includes(`ef_construction='${HNSW_OPTIONS.efConstruction}'`)
/** The nearest chunks and their cosine distance (float8). */
const neighbours = allRows(Row({ memoryId: MemoryId, chunkIndex: Schema.Int, text: Schema.String, distance: Schema.Number }))

/**
 * pgvector (HNSW, cosine) over memory_chunks, for the embedder's model and dimension. Filters are in
 * the same query as the nearest-neighbour scan, with pgvector's iterative index scan switched on so
 * that rows removed by a filter are replaced by further neighbours instead of shrinking the answer.
 */
export const VectorIndexPgvector = (options: { readonly model: string; readonly dimensions: number }) =>
  Layer.effect(
    VectorIndex,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const dims = options.dimensions
      if (!Number.isInteger(dims) || dims <= 0 || dims > 16_000) return yield* Effect.die(new Error(`bad vector dimension ${dims}`))
      const present = yield* installed(sql`SELECT to_regclass('memory_chunks') IS NOT NULL AS installed`).pipe(Effect.orDie)
      if (!Option.exists(present, (row) => row.installed)) {
        return yield* Effect.die(new PgvectorUnavailable("pgvector is not installed in this database: memory_chunks was not created (configure QDRANT_URL instead)"))
      }
      const store = chunkStore(sql, "memory_chunks", options, literal)
      // One HNSW index per dimension, over the rows of that dimension. An index built with other
      // options (an earlier version's) is built again, once: it takes a while on a large table.
      const name = `memory_chunks_hnsw_${dims}`
      const existing = yield* indexDefinition(sql`SELECT indexdef FROM pg_indexes WHERE indexname = ${name}`).pipe(Effect.orDie)
      if (Option.isSome(existing) && !hasOptions(existing.value.indexdef)) {
        yield* Effect.logWarning(`rebuilding the vector index ${name} with m=${HNSW_OPTIONS.m}, ef_construction=${HNSW_OPTIONS.efConstruction} (once; minutes for 100,000 memories)`)
        yield* sql.unsafe(`DROP INDEX ${name}`).pipe(Effect.orDie)
      }
      yield* sql.unsafe(
        `CREATE INDEX IF NOT EXISTS ${name} ON memory_chunks USING hnsw ((embedding::vector(${dims})) vector_cosine_ops) ` +
          `WITH (m = ${HNSW_OPTIONS.m}, ef_construction = ${HNSW_OPTIONS.efConstruction}) WHERE dimensions = ${dims}`
      ).pipe(Effect.orDie)
      const distance = sql.literal(`(embedding::vector(${dims})) <=> `)
      const cast = sql.literal(`::vector(${dims})`)
      return VectorIndex.of({
        foreignVectors: store.foreignVectors,
        vectorOf: store.vectorOf,
        upsert: store.upsert,
        remove: store.remove,
        search: (query, filter, k) => {
          const q = literal(query)
          // Several chunks of one memory may fill the limit: widen until k memories or no more rows.
          const scan = (limit: number) =>
            sql.withTransaction(
              Effect.gen(function*() {
                // ef_search 40 (pgvector's default) measured recall@10 0.78 at 100k memories (see
                // EF_SEARCH_MIN). And at ~10k rows the planner preferred a sequential scan and sort
                // (186 ms) to the index: keep it on the index for this query. One statement for the three
                // settings: on PGlite every round trip waits its turn on the one connection.
                yield* sql`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', ${
                  String(efSearch(limit))
                }, true), set_config('enable_seqscan', 'off', true)`
                return yield* neighbours(sql`
                  SELECT memory_id, chunk_index, text, ${distance}${q}${cast} AS distance
                  FROM memory_chunks WHERE ${sql.and(store.conditions(filter))}
                  ORDER BY ${distance}${q}${cast} LIMIT ${limit}`)
              })
            )
          const go = (limit: number): Effect.Effect<ReadonlyArray<VectorHit>, SqlError | Schema.SchemaError> =>
            Effect.flatMap(scan(limit), (rows) => {
              const hits = bestChunkPerMemory(
                rows.map(({ distance, ...chunk }) => ({ ...chunk, score: 1 - distance })),
                k
              )
              return hits.length < k && rows.length === limit && limit < 20_000 ? go(limit * 4) : Effect.succeed(hits)
            })
          return go(Math.max(k * 4, 20)).pipe(orStorageFailure)
        }
      })
    })
  )
