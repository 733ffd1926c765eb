import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Duration, Effect } from "effect"
import { RateLimiter } from "../../application/ports/rate-limiter.js"
import { T0 } from "../support/fixtures.js"

const minute = Duration.minutes(1)
const key = () => `test:${crypto.randomUUID()}`

/** What every RateLimiter adapter must do: exact counts under concurrency, fixed windows, reset, prune. */
export const rateLimiterContract = (it: Vitest.MethodsNonLive<RateLimiter>) =>
  describe("RateLimiter contract", () => {
    it.effect("counts hits in a window, allows up to the limit, and says when the window ends", () =>
      Effect.gen(function*() {
        const limiter = yield* RateLimiter
        const k = key()
        const at = DateTime.add(T0, { seconds: 15 })
        const verdicts = []
        for (let i = 0; i < 4; i++) verdicts.push(yield* limiter.hit(k, 3, minute, at))
        expect(verdicts.map((v) => [v.allowed, v.count])).toEqual([[true, 1], [true, 2], [true, 3], [false, 4]])
        expect(verdicts[3]!.retryAfterSeconds).toBe(45)
        expect(yield* limiter.peek(k, 3, minute, at)).toEqual({ allowed: false, count: 4, retryAfterSeconds: 45 })
        // The next window starts afresh.
        expect(yield* limiter.hit(k, 3, minute, DateTime.add(T0, { minutes: 1 }))).toEqual({ allowed: true, count: 1, retryAfterSeconds: 60 })
      }))

    it.effect("counts every one of many concurrent hits", () =>
      Effect.gen(function*() {
        const limiter = yield* RateLimiter
        const k = key()
        const verdicts = yield* Effect.all(Array.from({ length: 20 }, () => limiter.hit(k, 10, minute, T0)), { concurrency: "unbounded" })
        expect(verdicts.filter((v) => v.allowed)).toHaveLength(10)
        expect((yield* limiter.peek(k, 10, minute, T0)).count).toBe(20)
      }))

    it.effect("add counts batches of hits on many keys and windows in one call, answering each window's total after the batch", () =>
      Effect.gen(function*() {
        const limiter = yield* RateLimiter
        const [a, b] = [key(), key()]
        expect(yield* limiter.add([])).toEqual([])
        yield* limiter.hit(a, 10, minute, T0)
        const totals = yield* limiter.add([
          { key: a, window: minute, at: DateTime.add(T0, { seconds: 30 }), count: 3 },
          { key: b, window: minute, at: T0, count: 2 },
          { key: a, window: minute, at: DateTime.add(T0, { minutes: 1 }), count: 5 }
        ])
        expect(totals).toEqual([4, 2, 5])
        expect((yield* limiter.peek(a, 10, minute, T0)).count).toBe(4)
        expect((yield* limiter.hit(b, 3, minute, T0))).toMatchObject({ allowed: true, count: 3 })
        expect((yield* limiter.add([{ key: b, window: minute, at: T0, count: 1 }, { key: b, window: minute, at: T0, count: 1 }]))).toEqual([5, 5])
        expect((yield* limiter.peek(a, 10, minute, DateTime.add(T0, { minutes: 1 }))).count).toBe(5)
      }))

    it.effect("reset forgets a key; prune drops ended windows only", () =>
      Effect.gen(function*() {
        const limiter = yield* RateLimiter
        const [a, b] = [key(), key()]
        yield* limiter.hit(a, 5, minute, T0)
        yield* limiter.hit(b, 5, Duration.hours(1), T0)
        yield* limiter.reset(a)
        expect((yield* limiter.peek(a, 5, minute, T0)).count).toBe(0)
        yield* limiter.hit(a, 5, minute, T0)
        expect(yield* limiter.prune(DateTime.add(T0, { minutes: 2 }))).toBeGreaterThanOrEqual(1)
        expect((yield* limiter.peek(a, 5, minute, T0)).count).toBe(0)
        expect((yield* limiter.peek(b, 5, Duration.hours(1), T0)).count).toBe(1)
      }))
  })
