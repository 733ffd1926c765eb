import { Context, type DateTime, type Duration, type Effect } from "effect"
import type { StorageUnavailable } from "./errors.js"

export interface RateLimitVerdict {
  readonly allowed: boolean
  /** Hits counted in the current window, this one included. */
  readonly count: number
  /** Seconds until the current window ends. */
  readonly retryAfterSeconds: number
}

/**
 * Fixed-window counters shared by every process (the SQL adapter keeps them in the database).
 * `hit` counts one attempt for `key`; `peek` tells without counting; `reset` forgets the key's window.
 */
export class RateLimiter extends Context.Service<RateLimiter, {
  readonly hit: (key: string, limit: number, window: Duration.Duration, now: DateTime.Utc) => Effect.Effect<RateLimitVerdict, StorageUnavailable>
  readonly peek: (key: string, limit: number, window: Duration.Duration, now: DateTime.Utc) => Effect.Effect<RateLimitVerdict, StorageUnavailable>
  readonly reset: (key: string) => Effect.Effect<void, StorageUnavailable>
  /** Drops windows that ended before `before`. */
  readonly prune: (before: DateTime.Utc) => Effect.Effect<number, StorageUnavailable>
}>()("RateLimiter") {}

/** The window a moment falls in, and when it ends: the same arithmetic for every adapter. */
export const windowOf = (nowMillis: number, windowMillis: number) => {
  const start = Math.floor(nowMillis / windowMillis) * windowMillis
  return { start, retryAfterSeconds: Math.max(1, Math.ceil((start + windowMillis - nowMillis) / 1000)) }
}
