import { createHash } from "node:crypto"
import { Effect, Layer } from "effect"
import { Embedder } from "../../application/ports/embedder.js"
import { normalize } from "../../domain/memory/vectors.js"

export const DETERMINISTIC_DIMENSIONS = 64

const bucket = (token: string) => createHash("sha256").update(token).digest().readUInt32BE(0)

/**
 * For tests only: feature hashing of the words (and word pairs) of a text into 64 dimensions. The same
 * text always gives the same vector, and texts sharing words are closer than texts that share none,
 * which is all a use-case test needs from an embedder.
 */
export const DeterministicEmbedder = Layer.succeed(Embedder, Embedder.of({
  model: "deterministic-hash-64",
  dimensions: DETERMINISTIC_DIMENSIONS,
  embed: (texts) =>
    Effect.sync(() =>
      texts.map((text) => {
        const v = Array.from({ length: DETERMINISTIC_DIMENSIONS }, () => 0)
        const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
        const features = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)]
        for (const feature of features) {
          const h = bucket(feature)
          v[h % DETERMINISTIC_DIMENSIONS]! += (h & 0x80000000) === 0 ? 1 : -1
        }
        return normalize(v)
      }))
}))
