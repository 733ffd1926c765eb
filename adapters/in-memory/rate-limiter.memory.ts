import { DateTime, Duration, Effect, Layer, Ref } from "effect"
import { RateLimiter, windowOf } from "../../application/ports/rate-limiter.js"

/** For tests only. */
export const RateLimiterMemory = Layer.effect(
  RateLimiter,
  Effect.gen(function*() {
    // key → window start → { end, count }
    const windows = yield* Ref.make(new Map<string, { start: number; end: number; count: number }>())
    const id = (key: string, start: number) => `${key}\u0000${start}`
    return RateLimiter.of({
      hit: (key, limit, window, now) =>
        Ref.modify(windows, (all) => {
          const millis = Duration.toMillis(window)
          const { retryAfterSeconds, start } = windowOf(DateTime.toEpochMillis(now), millis)
          const count = (all.get(id(key, start))?.count ?? 0) + 1
          return [{ allowed: count <= limit, count, retryAfterSeconds }, new Map(all).set(id(key, start), { start, end: start + millis, count })] as const
        }),
      add: (increments) =>
        Ref.modify(windows, (all) => {
          const next = new Map(all)
          const ids = increments.map(({ at, count, key, window }) => {
            const millis = Duration.toMillis(window)
            const { start } = windowOf(DateTime.toEpochMillis(at), millis)
            next.set(id(key, start), { start, end: start + millis, count: (next.get(id(key, start))?.count ?? 0) + count })
            return id(key, start)
          })
          return [ids.map((i) => next.get(i)!.count), next] as const
        }),
      peek: (key, limit, window, now) =>
        Effect.map(Ref.get(windows), (all) => {
          const { retryAfterSeconds, start } = windowOf(DateTime.toEpochMillis(now), Duration.toMillis(window))
          const count = all.get(id(key, start))?.count ?? 0
          return { allowed: count < limit, count, retryAfterSeconds }
        }),
      reset: (key) => Ref.update(windows, (all) => new Map([...all].filter(([k]) => !k.startsWith(`${key}\u0000`)))),
      prune: (before) =>
        Ref.modify(windows, (all) => {
          const kept = new Map([...all].filter(([, w]) => w.end >= DateTime.toEpochMillis(before)))
          return [all.size - kept.size, kept] as const
        })
    })
  })
)
