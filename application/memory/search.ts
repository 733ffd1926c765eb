import { Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { CollectionId, Memory, MemoryId } from "../../domain/memory/memory.js"
import type { Audience } from "../../domain/memory/sharing.js"
import { QueryEmbedder } from "../ports/embedder.js"
import { MemoryRepository } from "../ports/memory-repository.js"
import { VectorIndex } from "../ports/vector-index.js"
import { audienceFor, readableCollectionIfAny } from "./access.js"
import { recordQuery } from "./analytics.js"
import { reciprocalRankFusion } from "./fusion.js"

export type SearchMode = "hybrid" | "vector" | "keyword"

export interface SearchInput {
  readonly query: string
  readonly limit: number
  readonly mode: SearchMode
  readonly collectionId: Option.Option<CollectionId>
  /** Memories carrying every one of these tags. */
  readonly tags: ReadonlyArray<string>
}

export interface SearchResult {
  readonly memory: Memory
  readonly score: number
  /** The passage that matched best (the best chunk for vector search). */
  readonly snippet: string
}

const embedQuery = (input: SearchInput) => Effect.flatMap(QueryEmbedder, (embedder) => Effect.map(embedder.embed([input.query]), ([query]) => query!))

const nearest = (query: ReadonlyArray<number>, audience: Audience, input: SearchInput, k: number) =>
  Effect.flatMap(VectorIndex, (index) =>
    index.search(query, {
      audience,
      collectionId: input.collectionId,
      tags: input.tags,
      memoryType: Option.none()
    }, k))

const keywordSearch = (audience: Audience, input: SearchInput, k: number) =>
  Effect.gen(function*() {
    return yield* (yield* MemoryRepository).keywordSearch({
      audience,
      collectionId: input.collectionId,
      tags: input.tags,
      memoryType: Option.none(),
      pinned: Option.none(),
      q: Option.none(),
      createdFrom: Option.none(),
      createdTo: Option.none()
    }, input.query, k)
  })

const snippetOf = (memory: Memory) => memory.content.length > 300 ? `${memory.content.slice(0, 300)}…` : memory.content

/**
 * Ranked memories the caller may read. `vector` ranks by meaning, `keyword` by words (PostgreSQL
 * full-text search), `hybrid` fuses both rankings (reciprocal rank fusion).
 */
export const retrieve = Effect.fn("Memory.retrieve")(function*(actor: Actor, input: SearchInput) {
  yield* readableCollectionIfAny(actor, input.collectionId)
  const memories = yield* MemoryRepository
  /** The memories of these ids that still exist, by id: one query for the whole page. */
  const load = (ids: ReadonlyArray<MemoryId>) =>
    Effect.map(memories.findByIds(ids), (found) => new Map<string, Memory>(found.map((m) => [m.id, m])))
  if (input.mode === "keyword") {
    const rows = yield* keywordSearch(yield* audienceFor(actor), input, input.limit)
    return rows.map((r): SearchResult => ({ memory: r.memory, score: r.score, snippet: snippetOf(r.memory) }))
  }
  // The query is embedded (in a worker thread, or by a remote model) while the database answers
  // the rest: whose memories the caller reads, and in hybrid mode the keyword search.
  if (input.mode === "vector") {
    const [audience, query] = yield* Effect.all([audienceFor(actor), embedQuery(input)], { concurrency: 2 })
    const hits = yield* nearest(query, audience, input, input.limit)
    const found = yield* load(hits.map((hit) => hit.memoryId))
    return hits.flatMap((hit): Array<SearchResult> => {
      const memory = found.get(hit.memoryId)
      return memory === undefined ? [] : [{ memory, score: hit.score, snippet: hit.text }]
    })
  }
  const [query, [audience, keyword]] = yield* Effect.all([
    embedQuery(input),
    Effect.flatMap(audienceFor(actor), (audience) => Effect.map(keywordSearch(audience, input, input.limit * 2), (rows) => [audience, rows] as const))
  ], { concurrency: 2 })
  const vector = yield* nearest(query, audience, input, input.limit * 2)
  const snippets = new Map<string, string>(vector.map((h) => [h.memoryId, h.text]))
  const fused = reciprocalRankFusion([vector.map((h) => h.memoryId as string), keyword.map((r) => r.memory.id as string)]).slice(0, input.limit)
  const known = new Map<string, Memory>(keyword.map((r) => [r.memory.id, r.memory]))
  const missing = fused.filter(({ id }) => !known.has(id)).map(({ id }) => id as MemoryId)
  const loaded = missing.length === 0 ? new Map<string, Memory>() : yield* load(missing)
  return fused.flatMap(({ id, score }): Array<SearchResult> => {
    const memory = known.get(id) ?? loaded.get(id)
    return memory === undefined ? [] : [{ memory, score, snippet: snippets.get(id) ?? snippetOf(memory) }]
  })
})

/** A search by the caller: the ranked results, noted in their query log. */
export const searchMemories = Effect.fn("Memory.search")(function*(actor: Actor, input: SearchInput) {
  const results = yield* retrieve(actor, input)
  yield* recordQuery(actor, "search", input.query, input.mode, results.length)
  return results
})
