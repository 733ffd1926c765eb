import type { Statement } from "effect/sql"
import type { SqlClient } from "effect/sql/SqlClient"
import { Array as Arr, Effect, Option, Schema, SchemaGetter } from "effect"
import type { VectorEntry, VectorFilter } from "../../application/ports/vector-index.js"
import { MemoryId } from "../../domain/memory/memory.js"
import { readableBy } from "./audience.js"
import { allRows, firstRow, Row } from "./rows.js"
import { textArray } from "./sql-values.js"
import { orStorageFailure } from "./storage-errors.js"

type ChunkTable = "memory_chunks" | "memory_chunk_vectors"

/** An embedding read as text (`embedding::text`): pgvector prints [1,2,3], a float array {1,2,3}. */
const EmbeddingText = Schema.String.pipe(
  Schema.decodeTo(Schema.Array(Schema.Number), {
    decode: SchemaGetter.transform((text: string) => text.slice(1, -1).split(",").map(Number)),
    encode: SchemaGetter.transform((vector: ReadonlyArray<number>) => `[${vector.join(",")}]`)
  })
)
const embedding = firstRow(Row({ embedding: EmbeddingText }))
const foreign = firstRow(Row({ model: Schema.String, dimensions: Schema.Int }))

/** A search hit: a memory's best chunk and its score (both indexes answer `score`, float8). */
export const hits = allRows(Row({ memoryId: MemoryId, chunkIndex: Schema.Int, text: Schema.String, score: Schema.Number }))

/**
 * What the two SQL vector indexes share: their chunk tables have the same columns and differ only
 * in how the embedding is stored (pgvector's `vector` or a float array) and searched.
 */
export const chunkStore = (
  sql: SqlClient,
  table: ChunkTable,
  options: { readonly model: string; readonly dimensions: number },
  encode: (vector: ReadonlyArray<number>) => string
) => ({
  /**
   * Vectors of another model (or dimension) than the configured one: not comparable with new ones,
   * so searches skip them until the reindex job has re-embedded their memories.
   */
  foreignVectors: foreign(sql`
      SELECT model, dimensions FROM ${sql(table)} WHERE model <> ${options.model} OR dimensions <> ${options.dimensions} LIMIT 1`).pipe(
    orStorageFailure
  ),
  /** Replaces every chunk of the memories given, in one transaction. */
  upsert: (entries: ReadonlyArray<VectorEntry>) =>
    Arr.isReadonlyArrayNonEmpty(entries)
      ? sql.withTransaction(
        Effect.andThen(
          sql`DELETE FROM ${sql(table)} WHERE memory_id IN ${sql.in([...new Set(entries.map((e) => e.memoryId as string))])}`,
          sql`INSERT INTO ${sql(table)} ${
            sql.insert(Arr.map(entries, (e) => ({
              memory_id: e.memoryId,
              chunk_index: e.chunkIndex,
              owner_id: e.ownerId,
              collection_id: Option.getOrNull(e.collectionId),
              tags: textArray(e.tags),
              memory_type: e.memoryType,
              text: e.text,
              model: options.model,
              dimensions: options.dimensions,
              embedding: encode(e.vector)
            })))
          }`
        )
      ).pipe(Effect.asVoid, orStorageFailure)
      : Effect.void,
  vectorOf: (memoryId: MemoryId) =>
    embedding(sql`SELECT embedding::text AS embedding FROM ${sql(table)}
      WHERE memory_id = ${memoryId} AND model = ${options.model} AND dimensions = ${options.dimensions} ORDER BY chunk_index LIMIT 1`).pipe(
      Effect.map(Option.map((row) => row.embedding)),
      orStorageFailure
    ),
  remove: (memoryId: MemoryId) => sql`DELETE FROM ${sql(table)} WHERE memory_id = ${memoryId}`.pipe(Effect.asVoid, orStorageFailure),
  /** The search filters, as the WHERE of the nearest-neighbour query itself. */
  conditions: (filter: VectorFilter): Array<Statement.Fragment> => [
    sql`dimensions = ${options.dimensions}`,
    sql`model = ${options.model}`,
    readableBy(sql, filter.audience, "memory_id"),
    ...Option.toArray(Option.map(filter.collectionId, (c) => sql`collection_id = ${c}`)),
    ...(filter.tags.length > 0 ? [sql`tags @> ${textArray(filter.tags)}::text[]`] : []),
    ...Option.toArray(Option.map(filter.memoryType, (t) => sql`memory_type = ${t}`))
  ]
})
