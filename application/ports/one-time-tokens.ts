import { Context, type DateTime, type Effect, type Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { StorageUnavailable } from "./errors.js"

export type TokenPurpose = "verify-email" | "reset-password" | "unlock-account"

export interface OneTimeToken {
  readonly tokenHash: string
  readonly purpose: TokenPurpose
  readonly userId: UserId
  readonly createdAt: DateTime.Utc
  readonly expiresAt: DateTime.Utc
}

/** Single-use secrets sent by mail (verification, reset, unlock), stored only as hashes. */
export class OneTimeTokens extends Context.Service<OneTimeTokens, {
  readonly insert: (token: OneTimeToken) => Effect.Effect<void, StorageUnavailable>
  /** The user of a token that is usable at `now`, without using it up. */
  readonly find: (
    tokenHash: string,
    purpose: TokenPurpose,
    now: DateTime.Utc
  ) => Effect.Effect<Option.Option<UserId>, StorageUnavailable>
  /**
   * Uses the token up, atomically: answers its user only if it exists for this purpose, is unused and
   * unexpired at `now`. A second consume of the same token answers none.
   */
  readonly consume: (
    tokenHash: string,
    purpose: TokenPurpose,
    now: DateTime.Utc
  ) => Effect.Effect<Option.Option<UserId>, StorageUnavailable>
  /** Voids every unused token of a user for a purpose (a newer one supersedes them). */
  readonly revokeAll: (userId: UserId, purpose: TokenPurpose, now: DateTime.Utc) => Effect.Effect<void, StorageUnavailable>
}>()("OneTimeTokens") {}
