import { Context, Duration, Effect, Layer, Schedule, Semaphore } from "effect"
import { MemoryAnalyticsReader, QueryLog } from "../../application/ports/memory-analytics.js"
import type { QueryLogEntry } from "../../domain/memory/analytics.js"

/** A full buffer is written at once, without waiting for the interval. */
const FLUSH_AT = 500

/**
 * The query log kept in process and written every `interval` (or as soon as FLUSH_AT entries wait)
 * in one statement, on a fiber of its own, and once more when the layer closes (shutdown): a search
 * is a read, and its note in the log no longer costs it a write of its own (on PGlite, a turn of the
 * one connection every other request waits for). The analytics of this process see their own
 * entries at once (a read flushes first); another process's arrive within `interval`. A batch that
 * fails is logged and dropped, as a single failed note already was: the caller had the results.
 * Over `store`'s QueryLog and MemoryAnalyticsReader, which it provides in their place.
 */
export const QueryLogBuffered = (interval: Duration.Input) =>
  Layer.effectContext(
    Effect.gen(function*() {
      const store = yield* QueryLog
      const reader = yield* MemoryAnalyticsReader
      let pending: Array<QueryLogEntry> = []
      const flush = Effect.suspend(() => {
        if (pending.length === 0) return Effect.void
        const taken = pending
        pending = []
        return store.recordMany(taken).pipe(
          Effect.catchCause((cause) => Effect.logWarning(`${taken.length} query log entries were not recorded`, cause))
        )
      })
      // One writer at a time: a flush for a full buffer and the timer's never interleave.
      const serialized = yield* Semaphore.make(1)
      const flushOnce = serialized.withPermit(flush)
      yield* Effect.forkScoped(Effect.repeat(flushOnce, Schedule.spaced(Duration.fromInputUnsafe(interval))))
      yield* Effect.addFinalizer(() => flushOnce)
      const recordMany = (entries: ReadonlyArray<QueryLogEntry>) =>
        Effect.suspend(() => {
          pending.push(...entries)
          return pending.length >= FLUSH_AT ? Effect.asVoid(Effect.forkDetach(flushOnce)) : Effect.void
        })
      const log = QueryLog.of({
        record: (entry) => recordMany([entry]),
        recordMany,
        prune: (before) => Effect.andThen(flushOnce, store.prune(before))
      })
      const analytics = MemoryAnalyticsReader.of({
        forUser: (userId, since) => Effect.andThen(flushOnce, reader.forUser(userId, since))
      })
      return Context.make(QueryLog, log).pipe(Context.add(MemoryAnalyticsReader, analytics))
    })
  )
