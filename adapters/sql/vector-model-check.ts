import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"

/**
 * Vectors of another model (or dimension) than the configured embedder's are not comparable with
 * new ones: refuse to start rather than search them. Re-embedding everything is the reindex job's.
 */
export const refuseOtherModels = (table: "memory_chunks" | "memory_chunk_vectors", model: string, dimensions: number) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [other] = yield* sql<{ model: string; dimensions: number }>`
      SELECT model, dimensions FROM ${sql(table)} WHERE model <> ${model} OR dimensions <> ${dimensions} LIMIT 1`
    if (other !== undefined) {
      return yield* Effect.fail(
        new SqlError({
          message: `the stored memory vectors were made by ${other.model} (${other.dimensions} dimensions), but the configured embedder is ` +
            `${model} (${dimensions} dimensions). Restore the previous EMBEDDINGS_* settings, or re-embed every memory (the reindex job) before switching`
        })
      )
    }
  })
