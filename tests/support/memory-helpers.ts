import { Effect, Either, Layer, Option } from "effect"
import type { MemoryInput } from "../../application/memory/memories.js"
import type { SearchInput } from "../../application/memory/search.js"
import { DeterministicEmbedder } from "../../adapters/in-memory/embedder.memory.js"
import { MemoriesMemory } from "../../adapters/in-memory/memories.memory.js"
import { VectorIndexMemory } from "../../adapters/in-memory/vector-index.memory.js"
import { ExtractiveAnswers } from "../../adapters/llm/extractive-answers.js"
import { UseCaseLayer } from "./identity-helpers.js"

/** Identity and memory ports in memory, with the deterministic embedder and extractive answers. */
export const MemoryTestLayer = Layer.mergeAll(MemoriesMemory, VectorIndexMemory, ExtractiveAnswers.pipe(Layer.provideMerge(DeterministicEmbedder))).pipe(
  Layer.provideMerge(UseCaseLayer)
)

export const input = (content: string, overrides: Partial<MemoryInput> = {}): MemoryInput => ({
  content,
  title: Option.none(),
  tags: [],
  metadata: {},
  memoryType: "note",
  pinned: false,
  collectionId: Option.none(),
  ...overrides
})
export const search = (query: string, overrides: Partial<SearchInput> = {}): SearchInput => ({
  query,
  limit: 10,
  mode: "hybrid",
  collectionId: Option.none(),
  tags: [],
  ...overrides
})
export const tagOf = <A, E extends { _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.either(effect), Either.match({ onLeft: (e) => e._tag, onRight: () => "ok" }))
export const noFilter = {
  collectionId: Option.none(),
  tags: [],
  memoryType: Option.none(),
  pinned: Option.none(),
  q: Option.none(),
  createdFrom: Option.none(),
  createdTo: Option.none()
}

