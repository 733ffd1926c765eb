import { Context, type DateTime, type Effect, type Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { StorageUnavailable } from "./errors.js"

export interface TwoFactorState {
  readonly userId: UserId
  /** Sealed (encrypted) TOTP secret of the active setup, if 2FA is on. */
  readonly secret: Option.Option<string>
  /** Sealed secret of a setup started but not yet confirmed. */
  readonly pendingSecret: Option.Option<string>
  readonly enabledAt: Option.Option<DateTime.Utc>
  /** The last TOTP step accepted: codes of that step or before are refused (replay). */
  readonly lastStep: Option.Option<number>
}

export interface LoginChallenge {
  readonly id: string
  readonly userId: UserId
  readonly tokenHash: string
  readonly expiresAt: DateTime.Utc
  readonly attempts: number
}

export class TwoFactorRepository extends Context.Service<TwoFactorRepository, {
  readonly find: (userId: UserId) => Effect.Effect<Option.Option<TwoFactorState>, StorageUnavailable>
  readonly setPending: (userId: UserId, sealedSecret: string) => Effect.Effect<void, StorageUnavailable>
  /** Turns the pending secret into the active one, and stores the recovery code hashes (replacing any). */
  readonly activate: (
    userId: UserId,
    now: DateTime.Utc,
    step: number,
    recoveryCodeHashes: ReadonlyArray<string>
  ) => Effect.Effect<void, StorageUnavailable>
  readonly disable: (userId: UserId) => Effect.Effect<void, StorageUnavailable>
  /** Accepts `step` only if it is after the last accepted one; atomically, so a code cannot be used twice. */
  readonly advanceStep: (userId: UserId, step: number) => Effect.Effect<boolean, StorageUnavailable>
  /** Uses a recovery code up; false when it does not exist or was used. */
  readonly consumeRecoveryCode: (userId: UserId, codeHash: string, now: DateTime.Utc) => Effect.Effect<boolean, StorageUnavailable>
  readonly remainingRecoveryCodes: (userId: UserId) => Effect.Effect<number, StorageUnavailable>
  readonly insertChallenge: (challenge: LoginChallenge) => Effect.Effect<void, StorageUnavailable>
  readonly findChallenge: (tokenHash: string) => Effect.Effect<Option.Option<LoginChallenge>, StorageUnavailable>
  /** Counts a wrong code against the challenge; answers the attempts so far. */
  readonly recordChallengeFailure: (id: string) => Effect.Effect<number, StorageUnavailable>
  /** Uses the challenge up; false when it was already used (a race of two correct codes). */
  readonly consumeChallenge: (id: string, now: DateTime.Utc) => Effect.Effect<boolean, StorageUnavailable>
}>()("TwoFactorRepository") {}
