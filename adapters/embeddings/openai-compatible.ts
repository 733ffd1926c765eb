import { HttpClientRequest, HttpClientResponse } from "effect/http"
import { type Duration, Effect, Layer, type Option, type Redacted, Schema } from "effect"
import { Embedder, EmbeddingFailed } from "../../application/ports/embedder.js"
import { normalize } from "../../domain/memory/vectors.js"
import { openAiClient } from "../openai/client.js"

export interface OpenAiEmbedderOptions {
  /** Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 (…/embeddings is appended). */
  readonly url: string
  readonly model: string
  readonly dimensions: number
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly timeout: Duration.Input
  /** Texts per request. */
  readonly batchSize: number
}

const EmbeddingsResponse = Schema.Struct({
  data: Schema.Array(Schema.Struct({ index: Schema.Int, embedding: Schema.Array(Schema.Number) }))
})

/**
 * The server profile's embedder: POST {url}/embeddings ({model, input, dimensions}) through the
 * HttpClient, each request under a timeout and retried on transient failures (network errors, 429
 * and 5xx) with backoff. Vectors of another length than configured are refused.
 */
export const OpenAiEmbedder = (options: OpenAiEmbedderOptions) =>
  Layer.effect(
    Embedder,
    Effect.gen(function*() {
      const client = yield* openAiClient(options)
      const url = `${options.url.replace(/\/+$/, "")}/embeddings`
      const embedBatch = (texts: ReadonlyArray<string>) =>
        client.execute(
          HttpClientRequest.post(url).pipe(
            HttpClientRequest.bodyJsonUnsafe({ model: options.model, input: texts, dimensions: options.dimensions })
          )
        ).pipe(
          Effect.flatMap(HttpClientResponse.schemaBodyJson(EmbeddingsResponse)),
          Effect.mapError((error) => new EmbeddingFailed({ message: `embedding endpoint failed: ${error._tag}: ${error.message}` })),
          Effect.flatMap((body) => {
            const vectors = [...body.data].sort((a, b) => a.index - b.index).map((d) => d.embedding)
            if (vectors.length !== texts.length) {
              return Effect.fail(new EmbeddingFailed({ message: `asked for ${texts.length} embeddings, got ${vectors.length}` }))
            }
            const wrong = vectors.find((v) => v.length !== options.dimensions)
            if (wrong) {
              return Effect.fail(new EmbeddingFailed({ message: `expected ${options.dimensions} dimensions, got ${wrong.length}` }))
            }
            return Effect.succeed(vectors.map(normalize))
          })
        )
      return Embedder.of({
        model: options.model,
        dimensions: options.dimensions,
        embed: (texts) =>
          Effect.forEach(
            Array.from({ length: Math.ceil(texts.length / options.batchSize) }, (_, i) => texts.slice(i * options.batchSize, (i + 1) * options.batchSize)),
            embedBatch
          ).pipe(Effect.map((batches) => batches.flat()))
      })
    })
  )
