import { Context, type DateTime, type Duration, type Effect } from "effect"
import type { StorageUnavailable } from "./errors.js"

export interface RateLimitVerdict {
  readonly allowed: boolean
  /** Hits counted in the current window, this one included. */
  readonly count: number
  /** Seconds until the current window ends. */
  readonly retryAfterSeconds: number
}

/** `count` more hits on `key`, in the window that `at` falls in. */
export interface RateLimitIncrement {
  readonly key: string
  readonly window: Duration.Duration
  readonly at: DateTime.Utc
  readonly count: number
}

/**
 * Fixed-window counters shared by every process (the SQL adapter keeps them in the database, the
 * Redis one in Redis). `hit` counts one attempt for `key`; `peek` tells without counting; `reset`
 * forgets the key's windows; `add` counts many hits on many keys in one round trip.
 */
export class RateLimiter extends Context.Service<RateLimiter, {
  readonly hit: (key: string, limit: number, window: Duration.Duration, now: DateTime.Utc) => Effect.Effect<RateLimitVerdict, StorageUnavailable>
  /** Adds every increment and answers, for each in order, its window's total after the whole batch. */
  readonly add: (increments: ReadonlyArray<RateLimitIncrement>) => Effect.Effect<ReadonlyArray<number>, StorageUnavailable>
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

/**
 * The general per-user request limit, met on every authenticated request, so it must not cost a
 * write per request. The adapter on a database counts in process and adds the counts to the shared
 * RateLimiter in batches; it may then let through a bounded number of requests past the limit
 * (see adapters/rate-limits/request-limiter.buffered.ts). Limits on logins, registrations and
 * guessable secrets never go through it: they use RateLimiter, exact and shared.
 */
export class RequestRateLimiter extends Context.Service<RequestRateLimiter, {
  readonly hit: (key: string, limit: number, window: Duration.Duration, now: DateTime.Utc) => Effect.Effect<RateLimitVerdict, StorageUnavailable>
}>()("RequestRateLimiter") {}
