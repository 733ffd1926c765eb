import { FetchHttpClient } from "effect/http"
import { Layer, Option } from "effect"
import { LocalEmbedderPool } from "../adapters/embeddings/local-use.js"
import { OpenAiEmbedder } from "../adapters/embeddings/openai-compatible.js"
import type { AppConfig } from "./config.js"

// Apart from memory.ts (which loads the vector index adapters, Qdrant's client among them), so that the
// server can start the embedding workers while the rest of the application's modules still load.

/**
 * The local sentence encoder (no network), in EMBEDDING_WORKERS worker threads, unless EMBEDDINGS_URL
 * names an OpenAI-compatible endpoint.
 */
export const EmbedderLive = (config: AppConfig) =>
  Option.match(config.embeddings.url, {
    onNone: () => LocalEmbedderPool({ workers: config.embeddings.workers, queueLimit: config.embeddings.queueLimit }),
    onSome: (url) =>
      OpenAiEmbedder({
        url,
        model: config.embeddings.model,
        dimensions: config.embeddings.dimensions,
        apiKey: config.embeddings.apiKey,
        timeout: "30 seconds",
        batchSize: 64
      }).pipe(Layer.provide(FetchHttpClient.layer))
  })
