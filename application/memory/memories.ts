import { DateTime, Effect, Equivalence, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { MemoryTooLarge } from "../../domain/memory/errors.js"
import { type CollectionId, Memory, MemoryId, sizeProblem } from "../../domain/memory/memory.js"
import { Forbidden } from "../../domain/shared/errors.js"
import { Ids } from "../ports/ids.js"
import { type MemoryFilter, MemoryRepository } from "../ports/memory-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { VectorIndex } from "../ports/vector-index.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { audienceFor, ownedCollection, ownedMemory, readableCollectionIfAny, readableMemory, writableMemory } from "./access.js"
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
  Option.match(sizeProblem(input.content, input.metadata), {
    onNone: () => Effect.void,
    onSome: (problem) => Effect.fail(new MemoryTooLarge(problem))
  })

/** A memory goes only into a collection of the actor's own. */
const ownCollectionIfAny = (actor: Actor, id: Option.Option<CollectionId>) =>
  Option.match(id, { onNone: () => Effect.void, onSome: (collectionId) => Effect.asVoid(ownedCollection(actor, collectionId, "add memories to it")) })

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
    Effect.andThen((yield* MemoryRepository).insert(memory), (yield* VectorIndex).upsert(entries))
  )
  return memory
})

/** The actor's own memory, or one shared with them (itself or through its collection). */
export const getMemory = Effect.fn("Memory.get")((actor: Actor, id: MemoryId) => Effect.map(readableMemory(actor, id), (held) => held.memory))

/** The owner, or a user it was shared with for writing, edits; only the owner moves it between collections. */
export const updateMemory = Effect.fn("Memory.update")(function*(actor: Actor, id: MemoryId, patch: MemoryPatch) {
  const { access, memory: current } = yield* writableMemory(actor, id)
  const moves = patch.collectionId !== undefined && !Option.makeEquivalence<string>(Equivalence.strictEqual())(patch.collectionId, current.collectionId)
  if (moves && access !== "owner") {
    return yield* Effect.fail(new Forbidden({ reason: "only the owner may move a memory to another collection" }))
  }
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
  if (moves) yield* ownCollectionIfAny(actor, merged.collectionId)
  const updated = new Memory({ ...current, ...merged, tags: [...new Set(merged.tags)], updatedAt: yield* DateTime.now })
  // Re-indexed whatever changed: the chunks also carry the fields searches filter on.
  const entries = yield* embedMemory(updated)
  yield* (yield* UnitOfWork).transaction(
    Effect.andThen((yield* MemoryRepository).update(updated), (yield* VectorIndex).upsert(entries))
  )
  return updated
})

/** Gone from search at once: the memory and its vectors go in one transaction. */
export const deleteMemory = Effect.fn("Memory.delete")(function*(actor: Actor, id: MemoryId) {
  yield* ownedMemory(actor, id, "delete it")
  yield* (yield* UnitOfWork).transaction(
    Effect.andThen((yield* VectorIndex).remove(id), (yield* MemoryRepository).delete(id))
  )
})

/** The actor's own memories and those shared with them, newest first. */
export const listMemories = Effect.fn("Memory.list")(function*(actor: Actor, filter: Omit<MemoryFilter, "audience">, page: PageRequest) {
  yield* readableCollectionIfAny(actor, filter.collectionId)
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* MemoryRepository).list({ ...filter, audience: yield* audienceFor(actor) }, after, page.limit)
  return toPage(rows, page.limit, (m) => ({ at: DateTime.toEpochMillis(m.createdAt), id: m.id }))
})
