import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { inCallOrder, lengthSortedBatches } from "../../adapters/embeddings/length-batches.js"

describe("length-sorted embedding batches", () => {
  it("every text once, each batch of about one length, at most batchSize, sizes balanced; results back in call order", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), (texts, batchSize, workers) => {
        const batches = lengthSortedBatches(texts, batchSize, workers)
        const positions = batches.flat()
        expect([...positions].sort((a, b) => a - b)).toEqual(texts.map((_, i) => i))
        for (const batch of batches) expect(batch.length).toBeGreaterThan(0)
        for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(batchSize)
        const sizes = batches.map((b) => b.length)
        if (sizes.length > 1) expect(Math.max(...sizes) - Math.min(...sizes.slice(0, -1))).toBeLessThanOrEqual(1)
        // Lengths never go down from one text to the next, across batches: each batch is one stretch of lengths.
        const lengths = positions.map((at) => texts[at]!.length)
        expect(lengths).toEqual([...lengths].sort((a, b) => a - b))
        // What each batch gives back for its texts lands at the texts' places in the call.
        expect(inCallOrder(batches, batches.map((b) => b.map((at) => `vector of ${texts[at]}`)))).toEqual(texts.map((t) => `vector of ${t}`))
      })
    )
  })

  it("a long text among short ones gets a batch of the longest texts, not a padded batch of short ones", () => {
    const texts = [...Array.from({ length: 40 }, (_, i) => `short ${i}`), "long ".repeat(200), ...Array.from({ length: 23 }, (_, i) => `short ${i + 40}`)]
    const batches = lengthSortedBatches(texts, 32)
    expect(batches.map((b) => b.length)).toEqual([32, 32])
    expect(batches[0]!.map((at) => texts[at])).not.toContain("long ".repeat(200))
    expect(batches[1]!.at(-1)).toBe(40)
  })

  it("a call is spread over the workers when it has enough texts, and a single text stays one batch", () => {
    expect(lengthSortedBatches(Array.from({ length: 20 }, (_, i) => `t${i}`), 32, 2).map((b) => b.length)).toEqual([10, 10])
    expect(lengthSortedBatches(["one query"], 32, 2)).toEqual([[0]])
    expect(lengthSortedBatches([], 32, 2)).toEqual([])
  })
})
