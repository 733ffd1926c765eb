import { SqlClient } from "effect/sql"
import { Effect, Layer } from "effect"
import { VectorIndex } from "../../application/ports/vector-index.js"
import { normalize } from "../../domain/memory/vectors.js"
import { orStorageFailure } from "./storage-errors.js"
import { chunkStore, hits } from "./chunk-store.js"

const floatArray = (v: ReadonlyArray<number>) => `{${normalize(v).join(",")}}`

/**
 * Exact vector search in plain SQL (float arrays, dot product of unit vectors = cosine), for a
 * PostgreSQL without pgvector. Linear in the caller's readable chunks, so for modest collections;
 * the filters are the query's own WHERE, so the answer is always the true top k.
 */
export const VectorIndexExactSql = (options: { readonly model: string; readonly dimensions: number }) =>
  Layer.effect(
    VectorIndex,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const store = chunkStore(sql, "memory_chunk_vectors", options, floatArray)
      return VectorIndex.of({
        foreignVectors: store.foreignVectors,
        vectorOf: store.vectorOf,
        upsert: store.upsert,
        remove: store.remove,
        search: (query, filter, k) => {
          return hits(sql`
            SELECT memory_id, chunk_index, text, score FROM (
              SELECT DISTINCT ON (memory_id) memory_id, chunk_index, text, score FROM (
                SELECT memory_id, chunk_index, text,
                       (SELECT sum(a * b) FROM unnest(embedding, ${floatArray(query)}::double precision[]) AS t(a, b)) AS score
                FROM memory_chunk_vectors WHERE ${sql.and(store.conditions(filter))}
              ) scored
              ORDER BY memory_id, score DESC, chunk_index
            ) best
            ORDER BY score DESC, memory_id LIMIT ${k}`).pipe(orStorageFailure)
        }
      })
    })
  )
