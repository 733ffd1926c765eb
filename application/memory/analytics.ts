import { DateTime, Effect } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { Ids } from "../ports/ids.js"
import { MemoryAnalyticsReader, QueryLog } from "../ports/memory-analytics.js"

/** How long searches and questions are kept for the analytics. */
export const QUERY_LOG_RETENTION_DAYS = 90

/**
 * Notes a search or question in the caller's query log. A failed write is logged and forgiven: the
 * caller came for the results, which are already in hand.
 */
export const recordQuery = (actor: Actor, kind: "search" | "rag", query: string, mode: string, resultCount: number) =>
  Effect.gen(function*() {
    yield* (yield* QueryLog).record({
      id: yield* (yield* Ids).next,
      userId: actor.userId,
      kind,
      query,
      mode,
      resultCount,
      createdAt: yield* DateTime.now
    })
  }).pipe(Effect.catch((error) => Effect.logWarning("query log write failed", error)))

/** The caller's memory figures; the per-day series cover the last `days` days (UTC), today included. */
export const memoryAnalytics = Effect.fn("Memory.analytics")(function*(actor: Actor, days: number) {
  const now = yield* DateTime.now
  const since = DateTime.startOf(DateTime.subtract(now, { days: days - 1 }), "day")
  const figures = yield* (yield* MemoryAnalyticsReader).forUser(actor.userId, since)
  return { ...figures, since, days }
})
