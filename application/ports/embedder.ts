import { Context, type Effect, Schema } from "effect"

export class EmbeddingFailed extends Schema.TaggedError<EmbeddingFailed>()("EmbeddingFailed", {
  message: Schema.String
}) {}

/**
 * The embedder has more work waiting than it takes (its queue is full): nothing was embedded, and
 * the caller may try again after `retryAfterSeconds`. Refusing is what keeps the queue bounded.
 */
export class EmbedderBusy extends Schema.TaggedError<EmbedderBusy>()("EmbedderBusy", {
  retryAfterSeconds: Schema.Int
}) {}

/**
 * Turns texts into vectors of one model. Every stored vector records `model` and `dimensions`, so a
 * change of model is detected rather than mixing incomparable vectors.
 */
export class Embedder extends Context.Service<Embedder, {
  readonly model: string
  readonly dimensions: number
  /** One unit-length vector per text, in order. */
  readonly embed: (texts: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<ReadonlyArray<number>>, EmbeddingFailed | EmbedderBusy>
}>()("Embedder") {}

/**
 * Embeds what a person types to search or ask (POST /memories/search, /memories/rag): the Embedder,
 * possibly behind a cache, since the same queries come back again and again while memories are
 * embedded once each. Indexing never goes through it.
 */
export class QueryEmbedder extends Context.Service<QueryEmbedder, Context.Service.Shape<typeof Embedder>>()("QueryEmbedder") {}
