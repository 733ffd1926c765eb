import { Context, type DateTime, type Effect, type Option } from "effect"
import type { ApiKey, ApiKeyId } from "../../domain/identity/api-key.js"
import type { User, UserId } from "../../domain/identity/user.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"
import type { LastUse } from "./session-repository.js"

/** What authenticating a request by API key needs: the key, and its user (who still exists). */
export interface ApiKeyAuthentication {
  readonly key: ApiKey
  readonly user: User
}

export class ApiKeyRepository extends Context.Service<ApiKeyRepository, {
  readonly insert: (key: ApiKey) => Effect.Effect<void, StorageUnavailable>
  /**
   * Inserts the key unless its user already holds `maxActive` usable (unrevoked, unexpired at the
   * key's `createdAt`) keys; false then. Two concurrent inserts for one user cannot both pass.
   */
  readonly insertWithinLimit: (key: ApiKey, maxActive: number) => Effect.Effect<boolean, StorageUnavailable>
  /** Revokes every unrevoked key of the user; answers how many. */
  readonly revokeAllForUser: (userId: UserId, now: DateTime.Utc) => Effect.Effect<number, StorageUnavailable>
  /** One indexed lookup by the hash of the whole key. */
  readonly findByHash: (keyHash: string) => Effect.Effect<Option.Option<ApiKey>, StorageUnavailable>
  /** The key with this hash and its user, in one read (none when either is gone). */
  readonly findForAuthentication: (keyHash: string) => Effect.Effect<Option.Option<ApiKeyAuthentication>, StorageUnavailable>
  /** A user's unrevoked keys, newest first, after `after`; limit + 1 rows. */
  readonly listByUser: (
    userId: UserId,
    after: Option.Option<Position>,
    limit: number
  ) => Effect.Effect<ReadonlyArray<ApiKey>, StorageUnavailable>
  /** Revokes the user's key; false when no such unrevoked key of theirs exists. */
  readonly revoke: (id: ApiKeyId, userId: UserId, now: DateTime.Utc) => Effect.Effect<boolean, StorageUnavailable>
  /** Records many last uses in one write (a batch buffered in process); unknown ids are ignored. */
  readonly touchMany: (uses: ReadonlyArray<LastUse<ApiKeyId>>) => Effect.Effect<void, StorageUnavailable>
}>()("ApiKeyRepository") {}
