import { Context, type DateTime, type Effect } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { MemoryAnalytics, QueryLogEntry } from "../../domain/memory/analytics.js"
import type { StorageUnavailable } from "./errors.js"

/** Every search and question, per user, for the analytics (and nothing else reads it). */
export class QueryLog extends Context.Service<QueryLog, {
  readonly record: (entry: QueryLogEntry) => Effect.Effect<void, StorageUnavailable>
  /** Several at once, in one write. */
  readonly recordMany: (entries: ReadonlyArray<QueryLogEntry>) => Effect.Effect<void, StorageUnavailable>
  /** Drops entries older than `before`; answers how many went. */
  readonly prune: (before: DateTime.Utc) => Effect.Effect<number, StorageUnavailable>
}>()("QueryLog") {}

/** A user's memory figures, computed where the data is. Series cover [since, now]. */
export class MemoryAnalyticsReader extends Context.Service<MemoryAnalyticsReader, {
  readonly forUser: (userId: UserId, since: DateTime.Utc) => Effect.Effect<MemoryAnalytics, StorageUnavailable>
}>()("MemoryAnalyticsReader") {}
