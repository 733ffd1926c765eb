import { SqlClient } from "@effect/sql"
import type { Statement } from "@effect/sql"
import { Effect, Layer, Option } from "effect"
import { VectorIndex } from "../../application/ports/vector-index.js"
import { MemoryId } from "../../domain/memory/memory.js"
import { normalize } from "../../domain/memory/vectors.js"
import { textArray } from "./sql-values.js"
import { orStorageFailure } from "./storage-errors.js"
import { refuseOtherModels } from "./vector-model-check.js"

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
      yield* refuseOtherModels("memory_chunk_vectors", options.model, options.dimensions)
      return {
        upsert: (entries) =>
          sql.withTransaction(
            Effect.gen(function*() {
              const ids = [...new Set(entries.map((e) => e.memoryId as string))]
              if (ids.length === 0) return
              yield* sql`DELETE FROM memory_chunk_vectors WHERE memory_id IN ${sql.in(ids)}`
              yield* sql`INSERT INTO memory_chunk_vectors ${
                sql.insert(entries.map((e) => ({
                  memory_id: e.memoryId,
                  chunk_index: e.chunkIndex,
                  owner_id: e.ownerId,
                  collection_id: Option.getOrNull(e.collectionId),
                  tags: textArray(e.tags),
                  memory_type: e.memoryType,
                  text: e.text,
                  model: options.model,
                  dimensions: options.dimensions,
                  embedding: floatArray(e.vector)
                })))
              }`
            })
          ).pipe(Effect.asVoid, orStorageFailure),
        remove: (memoryId) => sql`DELETE FROM memory_chunk_vectors WHERE memory_id = ${memoryId}`.pipe(Effect.asVoid, orStorageFailure),
        search: (query, filter, k) => {
          const conditions: Array<Statement.Fragment> = [
            sql`dimensions = ${options.dimensions}`,
            sql`model = ${options.model}`,
            sql`owner_id = ${filter.readableBy}`,
            ...Option.toArray(Option.map(filter.collectionId, (c) => sql`collection_id = ${c}`)),
            ...(filter.tags.length > 0 ? [sql`tags @> ${textArray(filter.tags)}::text[]`] : []),
            ...Option.toArray(Option.map(filter.memoryType, (t) => sql`memory_type = ${t}`))
          ]
          return sql<{ memory_id: string; chunk_index: number; text: string; score: number }>`
            SELECT memory_id, chunk_index, text, score FROM (
              SELECT DISTINCT ON (memory_id) memory_id, chunk_index, text, score FROM (
                SELECT memory_id, chunk_index, text,
                       (SELECT sum(a * b) FROM unnest(embedding, ${floatArray(query)}::double precision[]) AS t(a, b)) AS score
                FROM memory_chunk_vectors WHERE ${sql.and(conditions)}
              ) scored
              ORDER BY memory_id, score DESC, chunk_index
            ) best
            ORDER BY score DESC, memory_id LIMIT ${k}`.pipe(
            Effect.map((rows) =>
              rows.map((r) => ({ memoryId: MemoryId.make(r.memory_id), chunkIndex: r.chunk_index, text: r.text, score: Number(r.score) }))),
            orStorageFailure
          )
        }
      }
    })
  )
