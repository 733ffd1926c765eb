import { FetchHttpClient } from "effect/http"
import { SqlClient, SqlSchema } from "effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { AnswerGenerator } from "../application/ports/answer-generator.js"
import { Embedder } from "../application/ports/embedder.js"
import { CachedQueryEmbedder } from "../adapters/embeddings/cached-embedder.js"
import { ExtractiveAnswers } from "../adapters/llm/extractive-answers.js"
import { OpenAiChatAnswers } from "../adapters/llm/openai-chat.js"
import { VectorIndexExactSql } from "../adapters/sql/vector-index.exact.js"
import { VectorIndexPgvector } from "../adapters/sql/vector-index.pgvector.js"
import type { AppConfig } from "./config.js"
import { lazyLayer } from "./lazy.js"

export { EmbedderLive } from "./embedder.js"

/**
 * Queries go through a cache of the last QUERY_EMBEDDING_CACHE_ENTRIES texts (about 5 KB each for 512
 * dimensions): a repeated search skips the model (or the endpoint's round trip).
 */
export const QUERY_EMBEDDING_CACHE_ENTRIES = 2000
export const QueryEmbedderLive = CachedQueryEmbedder({ maxEntries: QUERY_EMBEDDING_CACHE_ENTRIES })

/** Extractive answers (quoting the passages, by the embedder) unless ANSWERS_URL names an OpenAI-compatible chat endpoint. */
export const AnswerGeneratorLive = (config: AppConfig): Layer.Layer<AnswerGenerator, never, Embedder> =>
  Option.match(config.answers.url, {
    onNone: () => ExtractiveAnswers,
    onSome: (url) =>
      OpenAiChatAnswers({
        url,
        model: config.answers.model,
        apiKey: config.answers.apiKey,
        timeout: config.answers.timeout,
        maxTokens: config.answers.maxTokens
      }).pipe(Layer.provide(FetchHttpClient.layer))
  })

/** Whether the database holds pgvector chunks: their migration creates the table only where the extension exists. */
export const databaseHasPgvector = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const row = yield* SqlSchema.findOne({
    Request: Schema.Void,
    Result: Schema.Struct({ ok: Schema.Boolean }),
    execute: () => sql`SELECT to_regclass('memory_chunks') IS NOT NULL AS ok`
  })(undefined)
  return row.ok
}).pipe(Effect.orDie)

/**
 * The vector index for the configured embedder's model and dimension: Qdrant when configured (or
 * QDRANT_URL is set), else pgvector where the database has it (always on the embedded profile), else
 * exact search in SQL. VECTOR_INDEX=pgvector on a database without the extension stops startup.
 */
export const VectorIndexLive = (config: AppConfig) =>
  Layer.unwrap(
    Effect.gen(function*() {
      const embedder = yield* Embedder
      const hasPgvector = yield* databaseHasPgvector
      const options = { model: embedder.model, dimensions: embedder.dimensions }
      const { kind, qdrantUrl } = config.vectorIndex
      const chosen = kind === "qdrant" || (kind === "auto" && Option.isSome(qdrantUrl))
        ? "qdrant"
        : kind === "pgvector" || (kind === "auto" && hasPgvector)
        ? "pgvector"
        : "exact-sql"
      yield* Effect.logInfo("vector index").pipe(Effect.annotateLogs({ kind: chosen, model: embedder.model, dimensions: embedder.dimensions }))
      return chosen === "qdrant"
        ? lazyLayer(() =>
          import("../adapters/qdrant/vector-index.qdrant.js").then(({ VectorIndexQdrant }) =>
            VectorIndexQdrant({
              url: Option.getOrThrow(qdrantUrl),
              apiKey: config.vectorIndex.qdrantApiKey,
              collectionPrefix: config.vectorIndex.qdrantCollectionPrefix,
              relayInterval: "1 second",
              ...options
            })
          )
        )
        : chosen === "pgvector"
        ? VectorIndexPgvector(options)
        : VectorIndexExactSql(options)
    })
  )
