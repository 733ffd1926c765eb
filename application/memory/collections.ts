import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { Collection, CollectionId, type MemoryId } from "../../domain/memory/memory.js"
import { NotFound } from "../../domain/shared/errors.js"
import { Ids } from "../ports/ids.js"
import { CollectionRepository, MemoryRepository } from "../ports/memory-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { VectorIndex } from "../ports/vector-index.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"

export const ownCollection = (actor: Actor, id: CollectionId) =>
  Effect.flatMap(CollectionRepository, (c) => c.findById(id)).pipe(
    Effect.flatMap((found) =>
      Option.isSome(found) && found.value.ownerId === actor.userId ? Effect.succeed(found.value) : Effect.fail(new NotFound({ resource: "Collection" })))
  )

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

export const getCollection = Effect.fn("Memory.getCollection")((actor: Actor, id: CollectionId) => ownCollection(actor, id))

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
  const current = yield* ownCollection(actor, id)
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
  yield* ownCollection(actor, id)
  const memories = yield* MemoryRepository
  const index = yield* VectorIndex
  const inside: Array<MemoryId> = []
  if (deleteMemories) {
    let after = Option.none<{ at: number; id: string }>()
    for (;;) {
      const filter = {
        ownerId: actor.userId,
        collectionId: Option.some(id),
        tag: Option.none(),
        memoryType: Option.none(),
        pinned: Option.none(),
        q: Option.none(),
        createdFrom: Option.none(),
        createdTo: Option.none()
      }
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
