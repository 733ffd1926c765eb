import { Context, type Effect, type Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { CollectionId, MemoryId } from "../../domain/memory/memory.js"
import type { Audience } from "../../domain/memory/sharing.js"
import type { StorageUnavailable } from "./errors.js"

/** One embedded chunk of a memory, with the memory's fields that searches filter on. */
export interface VectorEntry {
  readonly memoryId: MemoryId
  readonly chunkIndex: number
  readonly ownerId: UserId
  readonly collectionId: Option.Option<CollectionId>
  readonly tags: ReadonlyArray<string>
  readonly memoryType: string
  readonly text: string
  readonly vector: ReadonlyArray<number>
}

export interface VectorFilter {
  /** Only memories this audience may read (owned, shared one by one, or in a shared collection). */
  readonly audience: Audience
  readonly collectionId: Option.Option<CollectionId>
  /** Memories carrying every one of these tags. */
  readonly tags: ReadonlyArray<string>
  readonly memoryType: Option.Option<string>
}

export interface VectorHit {
  readonly memoryId: MemoryId
  /** The memory's best-matching chunk. */
  readonly chunkIndex: number
  readonly text: string
  /** Cosine similarity of that chunk, 1 = same direction. */
  readonly score: number
}

/**
 * Nearest-neighbour search over memory chunks. Filters are applied inside the index query, so a
 * filtered search still answers the top k memories the caller may read, never fewer because
 * closer but unreadable vectors took the places.
 */
export class VectorIndex extends Context.Service<VectorIndex, {
  /**
   * The model and dimension of stored vectors the configured embedder did not make, if any: after a
   * model change they wait for the reindex job, and searches ignore them meanwhile.
   */
  readonly foreignVectors: Effect.Effect<Option.Option<{ readonly model: string; readonly dimensions: number }>, StorageUnavailable>
  /** The vector of a memory's first chunk (by the configured model), to look for memories like it. */
  readonly vectorOf: (memoryId: MemoryId) => Effect.Effect<Option.Option<ReadonlyArray<number>>, StorageUnavailable>
  /** Replaces every chunk of the memories given. */
  readonly upsert: (entries: ReadonlyArray<VectorEntry>) => Effect.Effect<void, StorageUnavailable>
  readonly remove: (memoryId: MemoryId) => Effect.Effect<void, StorageUnavailable>
  /** At most `k` memories, best first, each with its best chunk. */
  readonly search: (query: ReadonlyArray<number>, filter: VectorFilter, k: number) => Effect.Effect<ReadonlyArray<VectorHit>, StorageUnavailable>
}>()("VectorIndex") {}

/** Keeps each memory's best chunk, in score order, up to k memories. */
export const bestChunkPerMemory = (hits: ReadonlyArray<VectorHit>, k: number): ReadonlyArray<VectorHit> => {
  const best = new Map<string, VectorHit>()
  for (const hit of hits) {
    const seen = best.get(hit.memoryId)
    if (seen === undefined || hit.score > seen.score) best.set(hit.memoryId, hit)
  }
  return [...best.values()].sort((a, b) => b.score - a.score || (a.memoryId < b.memoryId ? -1 : 1)).slice(0, k)
}
