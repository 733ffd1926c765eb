import { Context, type Effect, type Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { Grants, Share, ShareKind } from "../../domain/memory/sharing.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

/** Shares of memories and collections; they go with the memory, collection or user they name. */
export class MemoryShareRepository extends Context.Service<MemoryShareRepository, {
  /** Shares the target with the user, or changes the permission of an existing share (keeping its date). */
  readonly grant: (share: Share) => Effect.Effect<Share, StorageUnavailable>
  readonly revoke: (kind: ShareKind, targetId: string, userId: UserId) => Effect.Effect<boolean, StorageUnavailable>
  /** Everything shared with the user. */
  readonly grantsOf: (userId: UserId) => Effect.Effect<Grants, StorageUnavailable>
  /** Who the target is shared with, oldest first. */
  readonly listFor: (kind: ShareKind, targetId: string) => Effect.Effect<ReadonlyArray<Share>, StorageUnavailable>
  /** What was shared with the user, newest first (keyset on created_at, target id); limit + 1 rows. */
  readonly sharedWith: (userId: UserId, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Share>, StorageUnavailable>
}>()("MemoryShareRepository") {}
