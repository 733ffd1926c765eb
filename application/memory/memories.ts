import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { MemoryTooLarge } from "../../domain/memory/errors.js"
import { type CollectionId, Memory, MEMORY_LIMITS, MemoryId } from "../../domain/memory/memory.js"
import { NotFound } from "../../domain/shared/errors.js"
import { Ids } from "../ports/ids.js"
import { type MemoryFilter, MemoryRepository } from "../ports/memory-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { VectorIndex } from "../ports/vector-index.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { ownCollection } from "./collections.js"
import { embedMemory } from "./indexing.js"

export interface MemoryInput {
  readonly content: string
  readonly title: Option.Option<string>
  readonly tags: ReadonlyArray<string>
  readonly metadata: Record<string, unknown>
  readonly memoryType: string
  readonly pinned: boolean
  readonly collectionId: Option.Option<CollectionId>
}

export type MemoryPatch = { readonly [K in keyof MemoryInput]?: MemoryInput[K] }

const checkSize = (input: MemoryInput) =>
  Effect.gen(function*() {
    if (input.content.length > MEMORY_LIMITS.contentChars) {
      return yield* new MemoryTooLarge({ field: "content", reason: `content must be at most ${MEMORY_LIMITS.contentChars} characters` })
    }
    if (new TextEncoder().encode(JSON.stringify(input.metadata)).length > MEMORY_LIMITS.metadataBytes) {
      return yield* new MemoryTooLarge({ field: "metadata", reason: `metadata must be at most ${MEMORY_LIMITS.metadataBytes} bytes of JSON` })
    }
  })

/** When a collection is named, it must be the actor's own (someone else's answers NotFound). */
export const ownCollectionIfAny = (actor: Actor, id: Option.Option<CollectionId>) =>
  Option.match(id, { onNone: () => Effect.void, onSome: (collectionId) => Effect.asVoid(ownCollection(actor, collectionId)) })

/** The actor's memory, or NotFound for a missing one and for anyone else's. */
export const ownMemory = (actor: Actor, id: MemoryId) =>
  Effect.flatMap(MemoryRepository, (m) => m.findById(id)).pipe(
    Effect.flatMap((found) =>
      Option.isSome(found) && found.value.ownerId === actor.userId ? Effect.succeed(found.value) : Effect.fail(new NotFound({ resource: "Memory" })))
  )

/** Stores a memory and its vectors together: it is searchable as soon as this answers. */
export const createMemory = Effect.fn("Memory.create")(function*(actor: Actor, input: MemoryInput) {
  yield* checkSize(input)
  yield* ownCollectionIfAny(actor, input.collectionId)
  const now = yield* DateTime.now
  const memory = new Memory({
    id: MemoryId.make(yield* (yield* Ids).next),
    ownerId: actor.userId,
    collectionId: input.collectionId,
    title: input.title,
    content: input.content,
    tags: [...new Set(input.tags)],
    metadata: input.metadata,
    memoryType: input.memoryType,
    pinned: input.pinned,
    createdAt: now,
    updatedAt: now
  })
  const entries = yield* embedMemory(memory)
  yield* (yield* UnitOfWork).transaction(
    Effect.zipRight((yield* MemoryRepository).insert(memory), (yield* VectorIndex).upsert(entries))
  )
  return memory
})

export const getMemory = Effect.fn("Memory.get")((actor: Actor, id: MemoryId) => ownMemory(actor, id))

export const updateMemory = Effect.fn("Memory.update")(function*(actor: Actor, id: MemoryId, patch: MemoryPatch) {
  const current = yield* ownMemory(actor, id)
  const merged: MemoryInput = {
    content: patch.content ?? current.content,
    title: patch.title ?? current.title,
    tags: patch.tags ?? current.tags,
    metadata: patch.metadata ?? current.metadata,
    memoryType: patch.memoryType ?? current.memoryType,
    pinned: patch.pinned ?? current.pinned,
    collectionId: patch.collectionId ?? current.collectionId
  }
  yield* checkSize(merged)
  yield* ownCollectionIfAny(actor, merged.collectionId)
  const updated = new Memory({ ...current, ...merged, tags: [...new Set(merged.tags)], updatedAt: yield* DateTime.now })
  // Re-indexed whatever changed: the chunks also carry the fields searches filter on.
  const entries = yield* embedMemory(updated)
  yield* (yield* UnitOfWork).transaction(
    Effect.zipRight((yield* MemoryRepository).update(updated), (yield* VectorIndex).upsert(entries))
  )
  return updated
})

/** Gone from search at once: the memory and its vectors go in one transaction. */
export const deleteMemory = Effect.fn("Memory.delete")(function*(actor: Actor, id: MemoryId) {
  yield* ownMemory(actor, id)
  yield* (yield* UnitOfWork).transaction(
    Effect.zipRight((yield* VectorIndex).remove(id), (yield* MemoryRepository).delete(id))
  )
})

export const listMemories = Effect.fn("Memory.list")(function*(actor: Actor, filter: Omit<MemoryFilter, "ownerId">, page: PageRequest) {
  yield* ownCollectionIfAny(actor, filter.collectionId)
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* MemoryRepository).list({ ...filter, ownerId: actor.userId }, after, page.limit)
  return toPage(rows, page.limit, (m) => ({ at: DateTime.toEpochMillis(m.createdAt), id: m.id }))
})
