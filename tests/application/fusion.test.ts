import { describe, expect, it } from "@effect/vitest"
import { reciprocalRankFusion } from "../../application/memory/fusion.js"

describe("reciprocal rank fusion", () => {
  it("ranks an item both lists like above one that only one list likes", () => {
    const fused = reciprocalRankFusion([["a", "b", "c"], ["b", "d", "a"]])
    expect(fused.map((x) => x.id)).toEqual(["b", "a", "d", "c"])
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12)
  })

  it("keeps a single list's order and handles empty lists", () => {
    expect(reciprocalRankFusion([["x", "y"], []]).map((x) => x.id)).toEqual(["x", "y"])
    expect(reciprocalRankFusion([])).toEqual([])
  })
})
