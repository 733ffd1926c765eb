import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { Email, UserId } from "../../domain/identity/user.js"
import { InvalidShare } from "../../domain/memory/errors.js"
import type { Collection, CollectionId, Memory, MemoryId } from "../../domain/memory/memory.js"
import { Share, type ShareKind, type SharePermission } from "../../domain/memory/sharing.js"
import { NotFound } from "../../domain/shared/errors.js"
import { MemoryShareRepository } from "../ports/memory-share-repository.js"
import { CollectionRepository, MemoryRepository } from "../ports/memory-repository.js"
import { UserRepository } from "../ports/user-repository.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { ownedCollection, ownedMemory } from "./access.js"

/** Only the owner shares, changes a share or revokes it; a grantee (even a writer) cannot pass it on. */
const ownedTarget = (actor: Actor, kind: ShareKind, targetId: string, what: string) =>
  kind === "memory"
    ? Effect.asVoid(ownedMemory(actor, targetId as MemoryId, what))
    : Effect.asVoid(ownedCollection(actor, targetId as CollectionId, what))

const share = (kind: ShareKind) =>
  Effect.fn(`Memory.share.${kind}`)(function*(actor: Actor, targetId: string, email: Email, permission: SharePermission) {
    yield* ownedTarget(actor, kind, targetId, "share it")
    const user = yield* (yield* UserRepository).findByEmail(email)
    if (Option.isNone(user)) return yield* Effect.fail(new NotFound({ resource: "User" }))
    if (user.value.id === actor.userId) return yield* Effect.fail(new InvalidShare({ reason: "you cannot share with yourself: you own it" }))
    const stored = yield* (yield* MemoryShareRepository).grant(
      new Share({ kind, targetId, userId: user.value.id, permission, createdAt: yield* DateTime.now })
    )
    yield* Effect.logInfo("shared").pipe(Effect.annotateLogs({ kind, target: targetId, with: user.value.id, permission }))
    return { share: stored, email: user.value.email }
  })

const revoke = (kind: ShareKind) =>
  Effect.fn(`Memory.revoke.${kind}`)(function*(actor: Actor, targetId: string, userId: UserId) {
    yield* ownedTarget(actor, kind, targetId, "revoke its shares")
    const removed = yield* (yield* MemoryShareRepository).revoke(kind, targetId, userId)
    if (!removed) return yield* Effect.fail(new NotFound({ resource: "Share" }))
  })

/** Who the owner shared it with, with their emails. */
const sharesOf = (kind: ShareKind) =>
  Effect.fn(`Memory.shares.${kind}`)(function*(actor: Actor, targetId: string) {
    yield* ownedTarget(actor, kind, targetId, "see its shares")
    const shares = yield* (yield* MemoryShareRepository).listFor(kind, targetId)
    const users = yield* UserRepository
    return yield* Effect.forEach(shares, (s) =>
      Effect.map(users.findById(s.userId as UserId), (u) => ({ share: s, email: Option.match(u, { onNone: () => "", onSome: (x) => x.email as string }) })))
  })

export const shareMemory = share("memory")
export const shareCollection = share("collection")
export const revokeMemoryShare = revoke("memory")
export const revokeCollectionShare = revoke("collection")
export const memoryShares = sharesOf("memory")
export const collectionShares = sharesOf("collection")

export interface SharedItem {
  readonly share: Share
  readonly memory: Option.Option<Memory>
  readonly collection: Option.Option<Collection>
}

/** What others shared with the actor, newest share first, with the memory or collection itself. */
export const sharedWithMe = Effect.fn("Memory.sharedWithMe")(function*(actor: Actor, page: PageRequest) {
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* MemoryShareRepository).sharedWith(actor.userId, after, page.limit)
  const memories = yield* MemoryRepository
  const collections = yield* CollectionRepository
  const items = yield* Effect.forEach(rows, (s) =>
    s.kind === "memory"
      ? Effect.map(memories.findById(s.targetId as MemoryId), (m): SharedItem => ({ share: s, memory: m, collection: Option.none() }))
      : Effect.map(collections.findById(s.targetId as CollectionId), (c): SharedItem => ({ share: s, memory: Option.none(), collection: c })))
  return toPage(items, page.limit, (i) => ({ at: DateTime.toEpochMillis(i.share.createdAt), id: i.share.targetId }))
})
