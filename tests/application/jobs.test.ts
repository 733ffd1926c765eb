import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Fiber, Layer, Option, Ref } from "effect"
import { TestClock } from "effect/testing"
import { cancelJob, enqueueJob, getJob, listJobs } from "../../application/jobs/jobs.js"
import { JobFailed, JobHandlers, runOnce, type WorkerSettings } from "../../application/jobs/runner.js"
import { JobQueue } from "../../application/ports/job-queue.js"
import { JobQueueMemory } from "../../adapters/in-memory/job-queue.memory.js"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import type { JobId } from "../../domain/jobs/job.js"
import { person } from "../support/projects-helpers.js"
import { UseCaseLayer } from "../support/identity-helpers.js"

const settings = (workerId = "w1"): WorkerSettings => ({ workerId, concurrency: 1, pollInterval: "1 second", lease: "30 seconds" })

/** Handlers for the tests: each reads what it should do from its payload. */
const TestHandlers = Layer.effect(
  JobHandlers,
  Effect.gen(function*() {
    const calls = yield* Ref.make(0)
    return {
      "test.count": (run) =>
        Effect.gen(function*() {
          const { to } = run.job.payload as { to: number }
          const from = (run.job.checkpoint as { at?: number } | null)?.at ?? 0
          for (let i = from + 1; i <= to; i++) {
            yield* Effect.sleep("1 second")
            yield* run.progress(i, Option.some(to), { at: i })
          }
          yield* run.report([{ message: "line 2 is odd", line: 2 }])
          return { counted: to - from, resumedFrom: from }
        }),
      // Like a batch import: each step's work "commits" only after its save, in the same flow.
      "test.saves": (run) =>
        Effect.gen(function*() {
          const log = run.job.payload as { committed: Ref.Ref<number> }
          for (let i = 1; i <= 100; i++) {
            yield* Effect.sleep("1 second")
            yield* run.save(i, Option.some(100), { at: i })
            yield* Ref.update(log.committed, (n) => n + 1)
          }
        }),
      "test.flaky": () => Effect.flatMap(Ref.updateAndGet(calls, (n) => n + 1), (n) => Effect.fail(new JobFailed({ message: `attempt ${n} broke`, retryable: true }))),
      "test.hopeless": () => Effect.fail(new JobFailed({ message: "the file is not JSON", retryable: false }))
    }
  })
)

const JobsLayer = Layer.mergeAll(JobQueueMemory, TestHandlers, FileStoreMemory).pipe(Layer.provideMerge(UseCaseLayer))
const load = (id: JobId) => Effect.flatMap(JobQueue, (q) => Effect.map(q.findById(id), Option.getOrThrow))

describe("job runner", () => {
  it.effect("runs a job to success, with its progress, result and reported errors", () =>
    Effect.gen(function*() {
      const { actor } = yield* person("ann")
      const job = yield* enqueueJob("test.count", Option.some(actor.userId), { to: 3 })
      const fiber = yield* Effect.forkChild(runOnce(settings()))
      yield* TestClock.adjust("5 seconds")
      expect(yield* Fiber.join(fiber)).toBe(true)
      const done = yield* getJob(actor, job.id)
      expect([done.status, done.progressDone, Option.getOrNull(done.progressTotal), done.result, done.attempts]).toEqual([
        "succeeded", 3, 3, { counted: 3, resumedFrom: 0 }, 1
      ])
      expect(done.errors).toEqual([{ message: "line 2 is odd", line: 2 }])
      expect(yield* runOnce(settings())).toBe(false)
    }).pipe(Effect.provide(JobsLayer)))

  it.effect("retries a failing job with growing delays, then fails it for good", () =>
    Effect.gen(function*() {
      const job = yield* enqueueJob("test.flaky", Option.none(), {}, { maxAttempts: 3 })
      yield* runOnce(settings())
      const first = yield* load(job.id)
      expect([first.status, first.attempts, first.errors.map((e) => e.message)]).toEqual(["queued", 1, ["JobFailed: attempt 1 broke"]])
      expect(DateTime.toEpochMillis(first.runAt) - DateTime.toEpochMillis(first.updatedAt)).toBe(5_000)
      expect(yield* runOnce(settings())).toBe(false)
      yield* TestClock.adjust("5 seconds")
      yield* runOnce(settings())
      expect(DateTime.toEpochMillis((yield* load(job.id)).runAt) - DateTime.toEpochMillis((yield* load(job.id)).updatedAt)).toBe(10_000)
      yield* TestClock.adjust("10 seconds")
      yield* runOnce(settings())
      const last = yield* load(job.id)
      expect([last.status, last.attempts, last.errorCount]).toEqual(["failed", 3, 3])
    }).pipe(Effect.provide(JobsLayer)))

  it.effect("a handler's final verdict fails the job at once", () =>
    Effect.gen(function*() {
      const job = yield* enqueueJob("test.hopeless", Option.none(), {})
      yield* runOnce(settings())
      expect(Option.map(Option.some(yield* load(job.id)), (j) => [j.status, j.attempts])).toEqual(Option.some(["failed", 1]))
    }).pipe(Effect.provide(JobsLayer)))

  it.effect("cancelling a running job stops its handler at the next heartbeat", () =>
    Effect.gen(function*() {
      const { actor } = yield* person("ann")
      const job = yield* enqueueJob("test.count", Option.some(actor.userId), { to: 100 })
      const fiber = yield* Effect.forkChild(runOnce(settings()))
      yield* TestClock.adjust("5 seconds")
      expect((yield* cancelJob(actor, job.id)).status).toBe("cancelled")
      yield* TestClock.adjust("20 seconds")
      yield* Fiber.join(fiber)
      const stopped = yield* load(job.id)
      expect(stopped.status).toBe("cancelled")
      expect(stopped.progressDone).toBeLessThan(30)
      expect((yield* Effect.result(cancelJob(actor, job.id)))._tag).toBe("Failure")
    }).pipe(Effect.provide(JobsLayer)))

  it.effect("a save after the job was cancelled fails (LeaseLost): the step's work does not commit", () =>
    Effect.gen(function*() {
      const { actor } = yield* person("ann")
      const committed = yield* Ref.make(0)
      const job = yield* enqueueJob("test.saves", Option.some(actor.userId), { committed })
      const fiber = yield* Effect.forkChild(runOnce(settings()))
      yield* TestClock.adjust("5 seconds")
      yield* cancelJob(actor, job.id)
      yield* TestClock.adjust("20 seconds")
      yield* Fiber.join(fiber)
      // Steps 1-5 saved before the cancel; the save of step 6 found it and nothing more committed.
      expect(yield* Ref.get(committed)).toBe(5)
      expect((yield* load(job.id)).status).toBe("cancelled")
    }).pipe(Effect.provide(JobsLayer)))

  it.effect("a worker whose lease another worker took cannot save: only the new holder's work commits", () =>
    Effect.gen(function*() {
      const committed = yield* Ref.make(0)
      const job = yield* enqueueJob("test.saves", Option.none(), { committed })
      const first = yield* Effect.forkChild(runOnce(settings("w1")))
      yield* TestClock.adjust("3 seconds")
      // As if w1 had stalled past its lease: w2 claims the job at a time when the lease has run out.
      const queue = yield* JobQueue
      const later = DateTime.add(yield* DateTime.now, { seconds: 31 })
      const taken = yield* queue.claim("w2", ["test.saves"], later, DateTime.add(later, { seconds: 30 }))
      expect(Option.map(taken, (j) => [j.id, j.attempts])).toEqual(Option.some([job.id, 2]))
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(first)
      expect(yield* Ref.get(committed)).toBe(3)
      expect((yield* load(job.id)).progressDone).toBe(3)
    }).pipe(Effect.provide(JobsLayer)))

  it.effect("a job whose worker died is taken again when the lease runs out, and resumes from its checkpoint", () =>
    Effect.gen(function*() {
      const job = yield* enqueueJob("test.count", Option.none(), { to: 20 })
      const dying = yield* Effect.forkChild(runOnce(settings("doomed")))
      yield* TestClock.adjust("12 seconds")
      // The worker vanishes without a word: no success, no failure, its heartbeats stop.
      yield* Fiber.interrupt(dying)
      const orphan = yield* load(job.id)
      expect(orphan.status).toBe("running")
      expect(orphan.progressDone).toBeGreaterThanOrEqual(9)
      expect(yield* runOnce(settings("w2"))).toBe(false)
      yield* TestClock.adjust("31 seconds")
      const rescuer = yield* Effect.forkChild(runOnce(settings("w2")))
      yield* TestClock.adjust("30 seconds")
      yield* Fiber.join(rescuer)
      const done = yield* load(job.id)
      expect([done.status, done.attempts]).toEqual(["succeeded", 2])
      expect((done.result as { resumedFrom: number }).resumedFrom).toBe(orphan.progressDone)
    }).pipe(Effect.provide(JobsLayer)))

  it.effect("jobs are their owner's: another user gets NotFound; lists show one's own", () =>
    Effect.gen(function*() {
      const ann = yield* person("ann")
      const bob = yield* person("bob")
      const job = yield* enqueueJob("test.count", Option.some(ann.actor.userId), { to: 1 })
      expect((yield* Effect.flip(getJob(bob.actor, job.id)))._tag).toBe("NotFound")
      expect((yield* Effect.flip(cancelJob(bob.actor, job.id)))._tag).toBe("NotFound")
      expect((yield* listJobs(ann.actor, { limit: 10, cursor: Option.none() })).items.map((j) => j.id)).toEqual([job.id])
      expect((yield* listJobs(bob.actor, { limit: 10, cursor: Option.none() })).items).toEqual([])
    }).pipe(Effect.provide(JobsLayer)))
})
