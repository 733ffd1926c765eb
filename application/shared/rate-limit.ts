import { DateTime, type Duration, Effect } from "effect"
import { RateLimited } from "../../domain/shared/errors.js"
import { RateLimiter, RequestRateLimiter } from "../ports/rate-limiter.js"

export interface RateLimitPolicy {
  /** Names the counter and the message: "login attempts from this address". */
  readonly name: string
  readonly limit: number
  readonly window: Duration.Duration
}

const keyOf = (policy: RateLimitPolicy, subject: string) => `${policy.name}:${subject}`

/** Counts one attempt against `policy` for `subject` and refuses it past the limit. */
export const enforce = (policy: RateLimitPolicy, subject: string) =>
  Effect.gen(function*() {
    const verdict = yield* (yield* RateLimiter).hit(keyOf(policy, subject), policy.limit, policy.window, yield* DateTime.now)
    if (!verdict.allowed) {
      return yield* new RateLimited({ retryAfterSeconds: verdict.retryAfterSeconds, reason: `Too many ${policy.name}` })
    }
    return verdict
  })

/**
 * Counts one request against the general `policy` for `subject` and refuses it past the limit,
 * through the RequestRateLimiter (no write per request; a bounded overshoot across processes).
 */
export const enforceRequests = (policy: RateLimitPolicy, subject: string) =>
  Effect.gen(function*() {
    const verdict = yield* (yield* RequestRateLimiter).hit(keyOf(policy, subject), policy.limit, policy.window, yield* DateTime.now)
    if (!verdict.allowed) {
      return yield* new RateLimited({ retryAfterSeconds: verdict.retryAfterSeconds, reason: `Too many ${policy.name}` })
    }
    return verdict
  })

/** Counts one attempt without refusing it (failures that lead to a lockout). */
export const count = (policy: RateLimitPolicy, subject: string) =>
  Effect.flatMap(RateLimiter, (limiter) =>
    Effect.flatMap(DateTime.now, (now) => limiter.hit(keyOf(policy, subject), policy.limit, policy.window, now)))

/** Refuses when the subject is already at the limit, without counting. */
export const check = (policy: RateLimitPolicy, subject: string) =>
  Effect.gen(function*() {
    const verdict = yield* (yield* RateLimiter).peek(keyOf(policy, subject), policy.limit, policy.window, yield* DateTime.now)
    if (verdict.count >= policy.limit) {
      return yield* new RateLimited({ retryAfterSeconds: verdict.retryAfterSeconds, reason: `Too many ${policy.name}` })
    }
  })

export const forget = (policy: RateLimitPolicy, subject: string) =>
  Effect.flatMap(RateLimiter, (limiter) => limiter.reset(keyOf(policy, subject)))
