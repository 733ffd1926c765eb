import { DateTime, Effect, Layer, Schedule } from "effect"
import { expirePendingOrders } from "../application/marketplace/orders.js"
import { QUERY_LOG_RETENTION_DAYS } from "../application/memory/analytics.js"
import { QueryLog } from "../application/ports/memory-analytics.js"
import { RateLimiter } from "../application/ports/rate-limiter.js"

/**
 * Hourly housekeeping, so tables that only grow stay small: rate-limit windows that ended more than
 * a day ago, and query-log entries past their retention. Every five minutes, orders left pending past
 * PENDING_ORDER_TTL expire (each through the fulfilment use-case, so at most once).
 */
export const MaintenanceLive = Layer.effectDiscard(
  Effect.gen(function*() {
    const limiter = yield* RateLimiter
    const queries = yield* QueryLog
    const prune = (what: string, job: (now: DateTime.Utc) => Effect.Effect<number, unknown>) =>
      Effect.flatMap(DateTime.now, job).pipe(
        Effect.tap((n) => n > 0 ? Effect.logDebug(`pruned ${what}`).pipe(Effect.annotateLogs("count", n)) : Effect.void),
        Effect.catchCause((cause) => Effect.logWarning(`pruning ${what} failed`, cause))
      )
    const round = Effect.andThen(
      prune("rate-limit windows", (now) => limiter.prune(DateTime.subtract(now, { days: 1 }))),
      prune("query log", (now) => queries.prune(DateTime.subtract(now, { days: QUERY_LOG_RETENTION_DAYS })))
    )
    yield* Effect.forkScoped(Effect.repeat(round, Schedule.spaced("1 hour")))
    const expiry = expirePendingOrders().pipe(
      Effect.tap((n) => n > 0 ? Effect.logInfo("expired pending orders").pipe(Effect.annotateLogs("count", n)) : Effect.void),
      Effect.catchCause((cause) => Effect.logWarning("expiring pending orders failed", cause))
    )
    yield* Effect.forkScoped(Effect.repeat(expiry, Schedule.spaced("5 minutes")))
  })
)
