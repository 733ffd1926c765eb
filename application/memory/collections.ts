import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { Collection, CollectionId, type MemoryId } from "../../domain/memory/memory.js"
import { ownerOnly } from "../../domain/memory/sharing.js"
import { Ids } from "../ports/ids.js"
import { CollectionRepository, everything, MemoryRepository } from "../ports/memory-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { VectorIndex } from "../ports/vector-index.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { ownedCollection, readableCollection, writableCollection } from "./access.js"

export const createCollection = Effect.fn("Memory.createCollection")(function*(actor: Actor, input: { readonly name: string; readonly description: string }) {
  const now = yield* DateTime.now
  const collection = new Collection({
    id: CollectionId.make(yield* (yield* Ids).next),
    ownerId: actor.userId,
    name: input.name,
    description: input.description,
    createdAt: now,
    updatedAt: now
  })
  yield* (yield* CollectionRepository).insert(collection)
  return collection
})

/** The actor's own collection, or one shared with them. */
export const getCollection = Effect.fn("Memory.getCollection")((actor: Actor, id: CollectionId) =>
  Effect.map(readableCollection(actor, id), (held) => held.collection)
)

export const listCollections = Effect.fn("Memory.listCollections")(function*(actor: Actor, page: PageRequest) {
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* CollectionRepository).list(actor.userId, after, page.limit)
  return toPage(rows, page.limit, (c) => ({ at: DateTime.toEpochMillis(c.createdAt), id: c.id }))
})

export const updateCollection = Effect.fn("Memory.updateCollection")(function*(
  actor: Actor,
  id: CollectionId,
  patch: { readonly name: Option.Option<string>; readonly description: Option.Option<string> }
) {
  const { collection: current } = yield* writableCollection(actor, id)
  const updated = new Collection({
    ...current,
    name: Option.getOrElse(patch.name, () => current.name),
    description: Option.getOrElse(patch.description, () => current.description),
    updatedAt: yield* DateTime.now
  })
  yield* (yield* CollectionRepository).update(updated)
  return updated
})

/** Deletes a collection; its memories are deleted too (and leave the index at once) or stay, without a collection. */
export const deleteCollection = Effect.fn("Memory.deleteCollection")(function*(actor: Actor, id: CollectionId, deleteMemories: boolean) {
  yield* ownedCollection(actor, id, "delete it")
  const memories = yield* MemoryRepository
  const index = yield* VectorIndex
  const inside: Array<MemoryId> = []
  if (deleteMemories) {
    let after = Option.none<{ at: number; id: string }>()
    for (;;) {
      // Only the owner puts memories in a collection, so they are all the owner's.
      const filter = { ...everything(ownerOnly(actor.userId)), collectionId: Option.some(id) }
      const rows = yield* memories.list(filter, after, 500)
      inside.push(...rows.slice(0, 500).map((m) => m.id))
      if (rows.length <= 500) break
      const last = rows[499]!
      after = Option.some({ at: DateTime.toEpochMillis(last.createdAt), id: last.id })
    }
  }
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      yield* Effect.forEach(inside, (memoryId) => index.remove(memoryId), { discard: true })
      yield* (yield* CollectionRepository).delete(id, deleteMemories)
    })
  )
})
