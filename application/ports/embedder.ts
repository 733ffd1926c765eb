import { Context, type Effect, Schema } from "effect"

export class EmbeddingFailed extends Schema.TaggedError<EmbeddingFailed>()("EmbeddingFailed", {
  message: Schema.String
}) {}

/**
 * Turns texts into vectors of one model. Every stored vector records `model` and `dimensions`, so a
 * change of model is detected rather than mixing incomparable vectors.
 */
export class Embedder extends Context.Service<Embedder, {
  readonly model: string
  readonly dimensions: number
  /** One unit-length vector per text, in order. */
  readonly embed: (texts: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<ReadonlyArray<number>>, EmbeddingFailed>
}>()("Embedder") {}
