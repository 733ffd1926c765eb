import { Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { Collection, CollectionId, Memory, MemoryId } from "../../domain/memory/memory.js"
import { audienceOf, canWrite, type MemoryAccess, memoryAccess } from "../../domain/memory/sharing.js"
import { Forbidden, NotFound } from "../../domain/shared/errors.js"
import type { StorageUnavailable } from "../ports/errors.js"
import { MemoryShareRepository } from "../ports/memory-share-repository.js"
import { CollectionRepository, MemoryRepository } from "../ports/memory-repository.js"

/**
 * Who may do what with memories and collections, in one place: the owner does everything; a share
 * lets its user read (and with `write`, edit); anyone else gets NotFound, exactly as for a missing id.
 */

const grantsOf = (actor: Actor) => Effect.flatMap(MemoryShareRepository, (shares) => shares.grantsOf(actor.userId))

/** Everything the actor may read, for list and search filters. */
export const audienceFor = (actor: Actor) => Effect.map(grantsOf(actor), (grants) => audienceOf(actor.userId, grants))

const notFound = (resource: "Memory" | "Collection") => Effect.fail(new NotFound({ resource }))

export const readableMemory = (actor: Actor, id: MemoryId) =>
  Effect.gen(function*() {
    const found = yield* (yield* MemoryRepository).findById(id)
    if (Option.isNone(found)) return yield* notFound("Memory")
    const memory = found.value
    const access = memory.ownerId === actor.userId ? Option.some<MemoryAccess>("owner") : memoryAccess(actor.userId, yield* grantsOf(actor), memory)
    if (Option.isNone(access)) return yield* notFound("Memory")
    return { memory, access: access.value }
  })

export const readableCollection = (actor: Actor, id: CollectionId) =>
  Effect.gen(function*() {
    const found = yield* (yield* CollectionRepository).findById(id)
    if (Option.isNone(found)) return yield* notFound("Collection")
    const collection = found.value
    if (collection.ownerId === actor.userId) return { collection, access: "owner" as MemoryAccess }
    const permission = (yield* grantsOf(actor)).collections.get(collection.id)
    if (permission === undefined) return yield* notFound("Collection")
    return { collection, access: permission as MemoryAccess }
  })

const demand = <A extends { readonly access: MemoryAccess }>(needs: "write" | "owner", what: string) => (held: A) =>
  (needs === "owner" ? held.access === "owner" : canWrite(held.access))
    ? Effect.succeed(held)
    : Effect.fail(new Forbidden({ reason: needs === "owner" ? `only the owner may ${what}` : `this was shared with you for reading only: you may not ${what}` }))

export const writableMemory = (actor: Actor, id: MemoryId) =>
  Effect.flatMap(readableMemory(actor, id), demand("write", "edit it"))

export const ownedMemory = (actor: Actor, id: MemoryId, what: string): Effect.Effect<Memory, NotFound | Forbidden | StorageUnavailable, MemoryRepository | MemoryShareRepository> =>
  Effect.map(Effect.flatMap(readableMemory(actor, id), demand("owner", what)), (held) => held.memory)

export const writableCollection = (actor: Actor, id: CollectionId) =>
  Effect.flatMap(readableCollection(actor, id), demand("write", "edit it"))

export const ownedCollection = (actor: Actor, id: CollectionId, what: string): Effect.Effect<Collection, NotFound | Forbidden | StorageUnavailable, CollectionRepository | MemoryShareRepository> =>
  Effect.map(Effect.flatMap(readableCollection(actor, id), demand("owner", what)), (held) => held.collection)

/** A collection filter must name a collection the actor may read. */
export const readableCollectionIfAny = (actor: Actor, id: Option.Option<CollectionId>) =>
  Option.match(id, { onNone: () => Effect.void, onSome: (collectionId) => Effect.asVoid(readableCollection(actor, collectionId)) })
