import { Effect, Layer, Option, Ref } from "effect"
import { bestChunkPerMemory, type VectorEntry, VectorIndex } from "../../application/ports/vector-index.js"
import { audienceIncludes } from "../../domain/memory/sharing.js"
import { cosine } from "../../domain/memory/vectors.js"

/** For tests only: exact search, every chunk compared. */
export const VectorIndexMemory = Layer.effect(
  VectorIndex,
  Effect.gen(function*() {
    const entries = yield* Ref.make<ReadonlyArray<VectorEntry>>([])
    return VectorIndex.of({
      // One process, one embedder: nothing here was made by another model.
      foreignVectors: Effect.succeed(Option.none()),
      vectorOf: (memoryId) =>
        Effect.map(Ref.get(entries), (all) =>
          Option.map(Option.fromNullishOr(all.filter((e) => e.memoryId === memoryId).sort((a, b) => a.chunkIndex - b.chunkIndex)[0]), (e) => e.vector)),
      upsert: (added) =>
        Ref.update(entries, (all) => {
          const replaced = new Set(added.map((e) => e.memoryId as string))
          return [...all.filter((e) => !replaced.has(e.memoryId)), ...added]
        }),
      remove: (memoryId) => Ref.update(entries, (all) => all.filter((e) => e.memoryId !== memoryId)),
      search: (query, filter, k) =>
        Effect.map(Ref.get(entries), (all) =>
          bestChunkPerMemory(
            all
              .filter((e) =>
                audienceIncludes(filter.audience, { id: e.memoryId, ownerId: e.ownerId, collectionId: e.collectionId }) &&
                (Option.isNone(filter.collectionId) || Option.contains(e.collectionId, filter.collectionId.value)) &&
                filter.tags.every((t) => e.tags.includes(t)) &&
                (Option.isNone(filter.memoryType) || e.memoryType === filter.memoryType.value)
              )
              .map((e) => ({ memoryId: e.memoryId, chunkIndex: e.chunkIndex, text: e.text, score: cosine(query, e.vector) })),
            k
          ))
    })
  })
)
