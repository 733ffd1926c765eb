import { DateTime, Effect, Layer, Schedule } from "effect"
import { RateLimiter } from "../application/ports/rate-limiter.js"

/** Drops rate-limit windows that ended more than a day ago, hourly, so the table stays small. */
export const MaintenanceLive = Layer.scopedDiscard(
  Effect.gen(function*() {
    const limiter = yield* RateLimiter
    const round = Effect.flatMap(DateTime.now, (now) => limiter.prune(DateTime.subtract(now, { days: 1 }))).pipe(
      Effect.tap((n) => n > 0 ? Effect.logDebug("pruned rate-limit windows").pipe(Effect.annotateLogs("count", n)) : Effect.void),
      Effect.catchAllCause((cause) => Effect.logWarning("rate-limit pruning failed", cause))
    )
    yield* Effect.forkScoped(Effect.repeat(round, Schedule.spaced("1 hour")))
  })
)
