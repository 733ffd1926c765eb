import { describe, expect, type Vitest } from "@effect/vitest"
import { Effect } from "effect"
import { Embedder } from "../../application/ports/embedder.js"
import { cosine } from "../../domain/memory/vectors.js"

/**
 * What every Embedder must do. `semantic` adds the property that a paraphrase sits closer than an
 * unrelated sentence (true of real models and of the word-hashing test embedder alike).
 */
export const embedderContract = (it: Vitest.MethodsNonLive<Embedder>, semantic: boolean) =>
  describe("Embedder contract", () => {
    it.effect("one unit vector of the declared dimension per text, in order; nothing for nothing", () =>
      Effect.gen(function*() {
        const embedder = yield* Embedder
        const texts = ["alpha beta", "gamma delta epsilon", "zeta", "eta theta iota kappa"]
        const vectors = yield* embedder.embed(texts)
        expect(vectors).toHaveLength(texts.length)
        for (const v of vectors) {
          expect(v).toHaveLength(embedder.dimensions)
          expect(Math.hypot(...v)).toBeCloseTo(1, 4)
        }
        expect(yield* embedder.embed([])).toEqual([])
        expect(embedder.model.length).toBeGreaterThan(0)
      }))

    it.effect("is deterministic, and a batch equals its texts embedded one by one", () =>
      Effect.gen(function*() {
        const embedder = yield* Embedder
        const texts = Array.from({ length: 40 }, (_, i) => `memory number ${i} about ${i % 3 === 0 ? "cats" : "invoices"}`)
        const batch = yield* embedder.embed(texts)
        for (const i of [0, 17, 39]) {
          const [single] = yield* embedder.embed([texts[i]!])
          expect(cosine(single!, batch[i]!)).toBeCloseTo(1, 5)
        }
      }))

    if (semantic) {
      it.effect("puts a paraphrase closer than an unrelated text", () =>
        Effect.gen(function*() {
          const [query, near, far] = yield* (yield* Embedder).embed([
            "the quarterly sales report for the marketing team",
            "marketing team quarterly sales report",
            "my cat sleeps on the warm windowsill"
          ])
          expect(cosine(query!, near!)).toBeGreaterThan(cosine(query!, far!))
        }))
    }
  })
