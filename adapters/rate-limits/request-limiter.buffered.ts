import { Clock, DateTime, Duration, Effect, Layer, Schedule } from "effect"
import { RateLimiter, RequestRateLimiter, windowOf } from "../../application/ports/rate-limiter.js"

interface Counter {
  readonly key: string
  readonly window: Duration.Duration
  /** Any moment of the window (its start): the window the counts are added to. */
  readonly at: DateTime.Utc
  readonly end: number
  /** The shared total as the last batch answered it (this process's counts sent so far included). */
  known: number
  /** Counted here, sent in a batch that has not answered yet. */
  sending: number
  /** Counted here, not sent yet. */
  pending: number
}

/**
 * The general request limit without a write per request, for the database-backed stores (embedded
 * and server without Redis). Each process counts its requests in memory and adds them to the shared
 * RateLimiter in one batch every `interval` (one statement, on a fiber of its own, and once more
 * when the layer closes). A request is let through when the shared total last seen plus what this
 * process counted since stays within the limit.
 *
 * One process alone is exact. With P processes, each may let through what it serves for a user
 * between two of its batches before it sees the others' counts, and never more than the limit by
 * its own count: in one window a user gets at most limit + (P - 1) * min(limit, requests one process
 * serves them in `interval`). A batch that fails is kept and sent with the next one.
 */
export const RequestRateLimiterBuffered = (interval: Duration.Input) =>
  Layer.effect(
    RequestRateLimiter,
    Effect.gen(function*() {
      const limiter = yield* RateLimiter
      const counters = new Map<string, Counter>()

      const flush = Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const batch: Array<Counter> = []
        for (const [id, counter] of counters) {
          if (counter.pending > 0) {
            counter.sending += counter.pending
            counter.pending = 0
            batch.push(counter)
          } else if (counter.sending === 0 && counter.end <= now) {
            counters.delete(id)
          }
        }
        if (batch.length === 0) return Effect.void
        const sent = batch.map((c) => c.sending)
        return limiter.add(batch.map((c, i) => ({ key: c.key, window: c.window, at: c.at, count: sent[i]! }))).pipe(
          Effect.map((totals) =>
            batch.forEach((c, i) => {
              c.sending -= sent[i]!
              c.known = Math.max(c.known, totals[i]!)
            })
          ),
          Effect.catchCause((cause) =>
            Effect.andThen(
              Effect.sync(() =>
                batch.forEach((c, i) => {
                  c.sending -= sent[i]!
                  c.pending += sent[i]!
                })
              ),
              Effect.logWarning("request counts were not added to the shared rate limits; retrying with the next batch", cause)
            )
          )
        )
      })
      yield* Effect.forkScoped(Effect.repeat(flush, Schedule.spaced(Duration.fromInputUnsafe(interval))))
      yield* Effect.addFinalizer(() => flush)

      return RequestRateLimiter.of({
        hit: (key, limit, window, now) =>
          Effect.sync(() => {
            const millis = Duration.toMillis(window)
            const nowMillis = DateTime.toEpochMillis(now)
            const { retryAfterSeconds, start } = windowOf(nowMillis, millis)
            const id = `${key}\u0000${start}`
            let counter = counters.get(id)
            if (counter === undefined) {
              counter = { key, window, at: DateTime.makeUnsafe(start), end: start + millis, known: 0, sending: 0, pending: 0 }
              counters.set(id, counter)
            }
            // Every attempt counts, refused ones too, as RateLimiter.hit counts them.
            counter.pending += 1
            const count = counter.known + counter.sending + counter.pending
            return { allowed: count <= limit, count, retryAfterSeconds }
          })
      })
    })
  )
