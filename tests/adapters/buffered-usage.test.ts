import { describe, expect, it } from "@effect/vitest"
import { Context, DateTime, Duration, Effect, Exit, Layer, Option, Scope } from "effect"
import { TestClock } from "effect/testing"
import { LastUseRecorderBuffered } from "../../adapters/last-use/last-use-recorder.buffered.js"
import { ApiKeyRepositoryMemory } from "../../adapters/in-memory/api-key-repository.memory.js"
import { RateLimiterMemory } from "../../adapters/in-memory/rate-limiter.memory.js"
import { SessionRepositoryMemory } from "../../adapters/in-memory/session-repository.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { RequestRateLimiterBuffered } from "../../adapters/rate-limits/request-limiter.buffered.js"
import { LastUseRecorder } from "../../application/ports/last-use-recorder.js"
import { RateLimiter, RequestRateLimiter } from "../../application/ports/rate-limiter.js"
import { SessionRepository } from "../../application/ports/session-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { makeSession, makeUser } from "../support/fixtures.js"
import { QueryLogBuffered } from "../../adapters/query-log/query-log.buffered.js"
import { MemoryAnalyticsReader, QueryLog } from "../../application/ports/memory-analytics.js"
import { StorageUnavailable } from "../../application/ports/errors.js"
import { UserId } from "../../domain/identity/user.js"

const minute = Duration.minutes(1)

/** A "process": a buffered request limiter of its own, over the shared limiter, in a scope of its own. */
const processOver = (shared: Context.Context<RateLimiter>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(RequestRateLimiterBuffered("1 second").pipe(Layer.provide(Layer.succeedContext(shared))), scope)
    return { limiter: Context.get(context, RequestRateLimiter), stop: Scope.close(scope, Exit.void) }
  })

describe("the request limiter, counted in process and added in batches", () => {
  it.effect("is exact in one process, sees the other processes' counts after a batch, and sends what it holds when it stops", () =>
    Effect.gen(function*() {
      const shared = yield* Layer.build(RateLimiterMemory)
      const a = yield* processOver(shared)
      const b = yield* processOver(shared)
      const now = yield* DateTime.now
      const hit = (p: typeof a) => Effect.map(p.limiter.hit("requests:u1", 4, minute, now), (v) => v.allowed)
      // Alone, A lets exactly 4 through; nothing reached the shared count yet (no write per request).
      expect(yield* Effect.all([hit(a), hit(a), hit(a), hit(a), hit(a)])).toEqual([true, true, true, true, false])
      expect((yield* Context.get(shared, RateLimiter).peek("requests:u1", 4, minute, now)).count).toBe(0)
      // B has not seen A's counts before A's batch: that is the bounded overshoot.
      expect(yield* hit(b)).toBe(true)
      yield* TestClock.adjust("1 second")
      expect((yield* Context.get(shared, RateLimiter).peek("requests:u1", 4, minute, now)).count).toBe(6)
      yield* TestClock.adjust("1 second")
      // After the batches, each refuses on the shared total.
      expect(yield* hit(b)).toBe(false)
      expect(yield* hit(a)).toBe(false)
      yield* a.stop
      yield* b.stop
      expect((yield* Context.get(shared, RateLimiter).peek("requests:u1", 4, minute, now)).count).toBe(8)
    }))
})

describe("last uses, buffered and written in batches", () => {
  it.effect("records nothing on the caller's fiber, writes the latest use per session each interval, and the rest at shutdown", () =>
    Effect.gen(function*() {
      const stores = yield* Layer.build(Layer.merge(SessionRepositoryMemory, ApiKeyRepositoryMemory).pipe(Layer.provideMerge(UserRepositoryMemory)))
      const sessions = Context.get(stores, SessionRepository)
      const user = makeUser()
      yield* Context.get(stores, UserRepository).insert(user)
      const session = makeSession(user)
      yield* sessions.insert(session)
      const lastUsed = Effect.map(sessions.findById(session.id), (s) => Option.getOrThrow(s).lastUsedAt)

      const scope = yield* Scope.make()
      const recorder = Context.get(
        yield* Layer.buildWithScope(LastUseRecorderBuffered("5 seconds").pipe(Layer.provide(Layer.succeedContext(stores))), scope),
        LastUseRecorder
      )
      const t1 = DateTime.add(session.lastUsedAt, { minutes: 2 })
      const t2 = DateTime.add(session.lastUsedAt, { minutes: 3 })
      yield* recorder.session(session.id, t1)
      yield* recorder.session(session.id, t2)
      expect(yield* lastUsed).toEqual(session.lastUsedAt)
      yield* TestClock.adjust("5 seconds")
      expect(yield* lastUsed).toEqual(t2)
      const t3 = DateTime.add(session.lastUsedAt, { minutes: 4 })
      yield* recorder.session(session.id, t3)
      yield* Scope.close(scope, Exit.void)
      expect(yield* lastUsed).toEqual(t3)
    }))
})

describe("the query log, noted in process and written in batches", () => {
  const entry = (n: number, userId: string) => ({
    id: `0190a1b2-7a2b-7c3d-8e4f-${String(n).padStart(12, "0")}`,
    userId: UserId.make(userId),
    kind: "search" as const,
    query: `query ${n}`,
    mode: "hybrid",
    resultCount: 1,
    createdAt: DateTime.makeUnsafe("2026-12-01T10:00:00Z")
  })
  /** A store that counts the writes it is asked for and what they held. */
  const countingStore = Effect.gen(function*() {
    const writes: Array<number> = []
    let failNext = false
    const stored: Array<string> = []
    const store = QueryLog.of({
      record: (e) => Effect.sync(() => void (writes.push(1), stored.push(e.query))),
      recordMany: (es) =>
        Effect.suspend(() => {
          if (failNext) {
            failNext = false
            return Effect.fail(new StorageUnavailable({ message: "the store is down" }))
          }
          writes.push(es.length)
          for (const e of es) stored.push(e.query)
          return Effect.void
        }),
      prune: () => Effect.succeed(0)
    })
    const reader = MemoryAnalyticsReader.of({ forUser: () => Effect.sync(() => stored.length as never) })
    return { writes, stored, failOnce: () => void (failNext = true), context: Context.make(QueryLog, store).pipe(Context.add(MemoryAnalyticsReader, reader)) }
  })

  /** A buffered log over a counting store, in a scope of its own (closing it is the shutdown). */
  const bufferedOver = (interval: Duration.Input) =>
    Effect.gen(function*() {
      const store = yield* countingStore
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(QueryLogBuffered(interval).pipe(Layer.provide(Layer.succeedContext(store.context))), scope)
      return { store, scope, context, log: Context.get(context, QueryLog) }
    })

  it.effect("writes nothing on the caller's fiber, one batch per interval, a read's pending entries before it, and the rest at shutdown", () =>
    Effect.gen(function*() {
      const { store, scope, context, log } = yield* bufferedOver("1 second")
      const user = "0190a1b2-7a2b-7c3d-8e4f-0000000000aa"
      yield* log.record(entry(1, user))
      yield* log.record(entry(2, user))
      expect(store.writes).toEqual([])
      yield* TestClock.adjust("1 second")
      expect(store.writes).toEqual([2])
      // A read of the analytics writes what waits first: this process sees its own searches at once.
      yield* log.record(entry(3, user))
      expect(yield* Context.get(context, MemoryAnalyticsReader).forUser(UserId.make(user), DateTime.makeUnsafe("2026-01-01T00:00:00Z"))).toBe(3)
      expect(store.writes).toEqual([2, 1])
      // A failed batch is logged and dropped; the next ones go on.
      yield* log.record(entry(4, user))
      store.failOnce()
      yield* TestClock.adjust("1 second")
      yield* log.record(entry(5, user))
      yield* Scope.close(scope, Exit.void)
      expect(store.writes).toEqual([2, 1, 1])
      expect(store.stored).toEqual(["query 1", "query 2", "query 3", "query 5"])
    }))

  it.effect("a full buffer is written without waiting for the interval", () =>
    Effect.gen(function*() {
      const { store, scope, log } = yield* bufferedOver("1 hour")
      for (let n = 0; n < 500; n++) yield* log.record(entry(n, "0190a1b2-7a2b-7c3d-8e4f-0000000000bb"))
      yield* Effect.yieldNow
      yield* Effect.yieldNow
      expect(store.writes).toEqual([500])
      // So is one handed over by recordMany.
      yield* log.recordMany(Array.from({ length: 500 }, (_, n) => entry(500 + n, "0190a1b2-7a2b-7c3d-8e4f-0000000000bb")))
      yield* Effect.yieldNow
      yield* Effect.yieldNow
      expect(store.writes).toEqual([500, 500])
      yield* Scope.close(scope, Exit.void)
      expect(store.writes).toEqual([500, 500])
    }))
})
