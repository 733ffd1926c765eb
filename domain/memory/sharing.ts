import { Option, Schema } from "effect"
import type { UserId } from "../identity/user.js"
import type { CollectionId, Memory, MemoryId } from "./memory.js"

/** What a share grants: `read` sees and searches; `write` also edits. Only the owner deletes or re-shares. */
export const SharePermission = Schema.Literals(["read", "write"])
export type SharePermission = typeof SharePermission.Type

/** How the actor holds a memory or collection: its owner, or through a share. */
export type MemoryAccess = "owner" | SharePermission

/**
 * Everything one user may read: their own memories, the memories shared with them, and every
 * memory of the collections shared with them. Searches carry it into the index query itself.
 */
export interface Audience {
  readonly userId: UserId
  readonly memoryIds: ReadonlyArray<MemoryId>
  readonly collectionIds: ReadonlyArray<CollectionId>
}

export const ownerOnly = (userId: UserId): Audience => ({ userId, memoryIds: [], collectionIds: [] })

export const audienceIncludes = (
  audience: Audience,
  memory: { readonly id: MemoryId; readonly ownerId: UserId; readonly collectionId: Option.Option<CollectionId> }
): boolean =>
  memory.ownerId === audience.userId ||
  audience.memoryIds.includes(memory.id) ||
  (Option.isSome(memory.collectionId) && audience.collectionIds.includes(memory.collectionId.value))

/** The stronger of two grants (a memory shared for reading inside a collection shared for writing is writable). */
export const strongest = (a: Option.Option<SharePermission>, b: Option.Option<SharePermission>): Option.Option<SharePermission> =>
  Option.contains(a, "write") || Option.contains(b, "write") ? Option.some("write") : Option.orElse(a, () => b)

/** The grants one user holds, by memory and by collection. */
export interface Grants {
  readonly memories: ReadonlyMap<string, SharePermission>
  readonly collections: ReadonlyMap<string, SharePermission>
}

export const audienceOf = (userId: UserId, grants: Grants): Audience => ({
  userId,
  memoryIds: [...grants.memories.keys()] as Array<MemoryId>,
  collectionIds: [...grants.collections.keys()] as Array<CollectionId>
})

/** The actor's access to a memory, if any. */
export const memoryAccess = (userId: UserId, grants: Grants, memory: Memory): Option.Option<MemoryAccess> =>
  memory.ownerId === userId
    ? Option.some("owner")
    : strongest(
      Option.fromNullishOr(grants.memories.get(memory.id)),
      Option.flatMap(memory.collectionId, (c) => Option.fromNullishOr(grants.collections.get(c)))
    )

export const canWrite = (access: MemoryAccess) => access === "owner" || access === "write"

export const ShareKind = Schema.Literals(["memory", "collection"])
export type ShareKind = typeof ShareKind.Type

/** A memory or a collection shared with one user. */
export class Share extends Schema.Class<Share>("Share")({
  kind: ShareKind,
  /** The memory's or the collection's id. */
  targetId: Schema.String.check(Schema.isUUID()),
  userId: Schema.String.check(Schema.isUUID()),
  permission: SharePermission,
  createdAt: Schema.DateTimeUtc
}) {}
