import { Context, type DateTime, type Effect, type Option } from "effect"
import type { Session, SessionId } from "../../domain/identity/session.js"
import type { User, UserId } from "../../domain/identity/user.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

export type RefreshLookup =
  | { readonly _tag: "Current"; readonly session: Session }
  /** The token was valid once and has been rotated away: presenting it again means it leaked. */
  | { readonly _tag: "Rotated"; readonly session: Session }

/** What authenticating a request needs: the session, and its user (who still exists). */
export interface SessionAuthentication {
  readonly session: Session
  readonly user: User
}

/** A last use to record: `at` moves `last_used_at` forward only, never back. */
export interface LastUse<Id> {
  readonly id: Id
  readonly at: DateTime.Utc
}

export class SessionRepository extends Context.Service<SessionRepository, {
  readonly insert: (session: Session) => Effect.Effect<void, StorageUnavailable>
  readonly findById: (id: SessionId) => Effect.Effect<Option.Option<Session>, StorageUnavailable>
  /**
   * The session and its user in one read (none when either is gone): the lookup every
   * authenticated request makes, so a revocation is seen by the very next request in every process.
   */
  readonly findForAuthentication: (id: SessionId) => Effect.Effect<Option.Option<SessionAuthentication>, StorageUnavailable>
  readonly findByRefreshHash: (hash: string) => Effect.Effect<Option.Option<RefreshLookup>, StorageUnavailable>
  /**
   * Swap the current refresh token hash, only if it is still `fromHash` and the session is not
   * revoked; remembers `fromHash` as rotated. Answers false when another rotation won the race.
   */
  readonly rotate: (
    id: SessionId,
    fromHash: string,
    toHash: string,
    now: DateTime.Utc
  ) => Effect.Effect<boolean, StorageUnavailable>
  /** Records many last uses in one write (a batch buffered in process); unknown ids are ignored. */
  readonly touchMany: (uses: ReadonlyArray<LastUse<SessionId>>) => Effect.Effect<void, StorageUnavailable>
  readonly revoke: (id: SessionId, now: DateTime.Utc) => Effect.Effect<void, StorageUnavailable>
  /** Revokes every active session of the user but `except`; answers how many it revoked. */
  readonly revokeAllForUser: (
    userId: UserId,
    now: DateTime.Utc,
    except: Option.Option<SessionId>
  ) => Effect.Effect<number, StorageUnavailable>
  /** The user's unrevoked, unexpired sessions, newest first, after `after`; limit + 1 rows. */
  readonly listActiveByUser: (
    userId: UserId,
    now: DateTime.Utc,
    after: Option.Option<Position>,
    limit: number
  ) => Effect.Effect<ReadonlyArray<Session>, StorageUnavailable>
}>()("SessionRepository") {}
