import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { cachedEmbedder, CachedQueryEmbedder } from "../../adapters/embeddings/cached-embedder.js"
import { DeterministicEmbedder } from "../../adapters/in-memory/embedder.memory.js"
import { Embedder, EmbeddingFailed, QueryEmbedder } from "../../application/ports/embedder.js"

/** The deterministic embedder, counting the texts it is asked for, and failing while `failing` is set. */
const counting = Effect.gen(function*() {
  const inner = yield* Effect.provide(Embedder, DeterministicEmbedder)
  const asked: Array<ReadonlyArray<string>> = []
  const state = { failing: false }
  const embedder = Embedder.of({
    model: inner.model,
    dimensions: inner.dimensions,
    embed: (texts) =>
      Effect.suspend(() => {
        asked.push(texts)
        return state.failing ? Effect.fail(new EmbeddingFailed({ message: "down" })) : inner.embed(texts)
      })
  })
  return { inner, embedder, asked, state }
})

describe("cached query embedder", () => {
  it.effect("a repeated text is answered from the cache, with the very vector the embedder gave", () =>
    Effect.gen(function*() {
      const { inner, embedder, asked } = yield* counting
      const cached = cachedEmbedder(embedder, { maxEntries: 10 })
      const first = yield* cached.embed(["red kite"])
      const again = yield* cached.embed(["red kite"])
      expect(again).toEqual(first)
      expect(first).toEqual(yield* inner.embed(["red kite"]))
      expect(asked).toEqual([["red kite"]])
      expect([cached.model, cached.dimensions]).toEqual([inner.model, inner.dimensions])
    }))

  it.effect("a batch asks only for the texts it has not got (once each), and answers in order", () =>
    Effect.gen(function*() {
      const { inner, embedder, asked } = yield* counting
      const cached = cachedEmbedder(embedder, { maxEntries: 10 })
      yield* cached.embed(["b"])
      const out = yield* cached.embed(["a", "b", "c", "a"])
      expect(asked).toEqual([["b"], ["a", "c"]])
      expect(out).toEqual(yield* inner.embed(["a", "b", "c", "a"]))
    }))

  it.effect("holds at most maxEntries texts, dropping the least recently used", () =>
    Effect.gen(function*() {
      const { embedder, asked } = yield* counting
      const cached = cachedEmbedder(embedder, { maxEntries: 2 })
      yield* cached.embed(["a"])
      yield* cached.embed(["b"])
      yield* cached.embed(["a"]) // a is now the most recently used
      yield* cached.embed(["c"]) // drops b
      yield* cached.embed(["a"])
      yield* cached.embed(["b"])
      expect(asked).toEqual([["a"], ["b"], ["c"], ["b"]])
    }))

  it.effect("a failure is passed on and not remembered", () =>
    Effect.gen(function*() {
      const { embedder, asked, state } = yield* counting
      const cached = cachedEmbedder(embedder, { maxEntries: 10 })
      state.failing = true
      const failed = yield* Effect.flip(cached.embed(["x"]))
      expect(failed._tag).toBe("EmbeddingFailed")
      state.failing = false
      yield* cached.embed(["x"])
      yield* cached.embed(["x"])
      expect(asked).toEqual([["x"], ["x"]])
    }))

  it.effect("texts of another model are not mixed up: the key holds the model", () =>
    Effect.gen(function*() {
      const { embedder } = yield* counting
      const other = Embedder.of({ ...embedder, model: "another-model", embed: (texts) => Effect.succeed(texts.map(() => [1, 0])) })
      const a = cachedEmbedder(embedder, { maxEntries: 10 })
      const b = cachedEmbedder(other, { maxEntries: 10 })
      expect(yield* a.embed(["same text"])).not.toEqual(yield* b.embed(["same text"]))
    }))

  it.effect("the layer provides the QueryEmbedder over the configured Embedder", () =>
    Effect.gen(function*() {
      const query = yield* QueryEmbedder
      const embedder = yield* Embedder
      expect(query.model).toBe(embedder.model)
      expect(yield* query.embed(["hello"])).toEqual(yield* embedder.embed(["hello"]))
    }).pipe(Effect.provide(CachedQueryEmbedder({ maxEntries: 5 }).pipe(Layer.provideMerge(DeterministicEmbedder)))))

  it("refuses a bound that is not a positive integer", () => {
    expect(() => cachedEmbedder({ model: "m", dimensions: 1, embed: () => Effect.succeed([]) }, { maxEntries: 0 })).toThrow()
  })
})
