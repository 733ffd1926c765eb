import { Effect, Layer } from "effect"
import { Embedder, QueryEmbedder } from "../../application/ports/embedder.js"

type EmbedderShape = typeof Embedder.Service

/**
 * An Embedder that remembers the vectors of the last `maxEntries` texts it was asked for (least
 * recently used first out), keyed by model, dimension and the exact text, and asks the embedder
 * underneath only for the texts it has not got, in one call. A failure is not remembered.
 */
export const cachedEmbedder = (inner: EmbedderShape, options: { readonly maxEntries: number }): EmbedderShape => {
  if (!Number.isInteger(options.maxEntries) || options.maxEntries <= 0) throw new Error(`maxEntries must be a positive integer, got ${options.maxEntries}`)
  // A Map keeps insertion order: a hit is moved to the end, so the first key is the least recently used.
  const entries = new Map<string, ReadonlyArray<number>>()
  const keyOf = (text: string) => `${inner.model}\u0000${inner.dimensions}\u0000${text}`
  const remember = (key: string, vector: ReadonlyArray<number>) => {
    entries.delete(key)
    entries.set(key, vector)
    while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!)
  }
  return Embedder.of({
    model: inner.model,
    dimensions: inner.dimensions,
    embed: (texts) =>
      Effect.suspend(() => {
        const found = texts.map((text) => {
          const key = keyOf(text)
          const vector = entries.get(key)
          if (vector !== undefined) remember(key, vector)
          return vector
        })
        const missing = [...new Set(texts.filter((_, i) => found[i] === undefined))]
        if (missing.length === 0) return Effect.succeed(found as ReadonlyArray<ReadonlyArray<number>>)
        return Effect.map(inner.embed(missing), (vectors) => {
          const fresh = new Map(missing.map((text, i) => [text, Object.freeze([...vectors[i]!])] as const))
          for (const [text, vector] of fresh) remember(keyOf(text), vector)
          return texts.map((text, i) => found[i] ?? fresh.get(text)!)
        })
      })
  })
}

/** The QueryEmbedder: the configured Embedder behind a cache of the last `maxEntries` queries. */
export const CachedQueryEmbedder = (options: { readonly maxEntries: number }) =>
  Layer.effect(QueryEmbedder, Effect.map(Embedder, (embedder) => QueryEmbedder.of(cachedEmbedder(embedder, options))))
