import { Layer, Option } from "effect"
import type { MemoryInput } from "../../application/memory/memories.js"
import type { SearchInput } from "../../application/memory/search.js"
import { CachedQueryEmbedder } from "../../adapters/embeddings/cached-embedder.js"
import { DeterministicEmbedder } from "../../adapters/in-memory/embedder.memory.js"
import { MemoriesMemory } from "../../adapters/in-memory/memories.memory.js"
import { VectorIndexMemory } from "../../adapters/in-memory/vector-index.memory.js"
import { ExtractiveAnswers } from "../../adapters/llm/extractive-answers.js"
import { everything } from "../../application/ports/memory-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { ownerOnly } from "../../domain/memory/sharing.js"
import { UseCaseLayer } from "./identity-helpers.js"

/** Identity and memory ports in memory, with the deterministic embedder (queries through the cache, as wired in production) and extractive answers. */
export const MemoryTestLayer = Layer.mergeAll(
  MemoriesMemory,
  VectorIndexMemory,
  Layer.merge(ExtractiveAnswers, CachedQueryEmbedder({ maxEntries: 100 })).pipe(Layer.provideMerge(DeterministicEmbedder))
).pipe(
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
export { tagOf } from "./fixtures.js"
/** A list filter that keeps everything (the use-cases add the audience). */
export const noFilter = (({ audience: _, ...rest }) => rest)(everything(ownerOnly(UserId.make("00000000-0000-7000-8000-000000000000"))))
