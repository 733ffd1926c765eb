import { describe, expect, it } from "@effect/vitest"
import { chunkText } from "../../domain/memory/chunking.js"

const sentences = Array.from({ length: 60 }, (_, i) => `Sentence ${i} talks about topic ${i % 7} in some detail.`)
const long = sentences.join(" ")

describe("chunking", () => {
  it("keeps short content whole and drops blank content", () => {
    expect(chunkText("  A short note.  ")).toEqual([{ index: 0, text: "A short note.", start: 0 }])
    expect(chunkText("   \n ")).toEqual([])
  })

  it("splits long content at sentence ends, within the size, with overlap, covering every sentence", () => {
    const chunks = chunkText(long, { maxChars: 300, overlapChars: 80 })
    expect(chunks.length).toBeGreaterThan(5)
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(300)
      expect(long.slice(chunk.start).startsWith(chunk.text)).toBe(true)
      expect(chunk.text.endsWith(".")).toBe(true)
    }
    for (const sentence of sentences) expect(chunks.some((c) => c.text.includes(sentence))).toBe(true)
    for (let i = 1; i < chunks.length; i++) {
      const previousEnd = chunks[i - 1]!.start + chunks[i - 1]!.text.length
      expect(chunks[i]!.start).toBeLessThan(previousEnd)
      expect(chunks[i]!.start).toBeGreaterThan(chunks[i - 1]!.start)
    }
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i))
  })

  it("cuts a sentence longer than a chunk at word boundaries", () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ")
    const chunks = chunkText(words, { maxChars: 200, overlapChars: 0 })
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(200)
    expect(chunks.map((c) => c.text).join(" ").split(/\s+/)).toEqual(words.split(" "))
  })

  it("refuses nonsensical options", () => {
    expect(() => chunkText(long, { maxChars: 100, overlapChars: 100 })).toThrow()
  })
})
