import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { JobQueue } from "../../application/ports/job-queue.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { Job, JobId, MAX_JOB_ERRORS } from "../../domain/jobs/job.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { at, makeUser } from "../support/fixtures.js"

let seq = 0
const newJob = (overrides: Partial<ConstructorParameters<typeof Job>[0]> = {}) => {
  const created = at(`${++seq} seconds`)
  return new Job({
    id: JobId.make(uuidV7(DateTime.toEpochMillis(created))),
    type: "test.echo",
    ownerId: Option.none(),
    payload: { n: seq },
    status: "queued",
    attempts: 0,
    maxAttempts: 3,
    runAt: at("0 seconds"),
    lockedBy: Option.none(),
    leaseUntil: Option.none(),
    progressDone: 0,
    progressTotal: Option.none(),
    checkpoint: null,
    result: null,
    errors: [],
    errorCount: 0,
    createdAt: created,
    updatedAt: created,
    finishedAt: Option.none(),
    ...overrides
  })
}
const progress = (done: number, checkpoint: unknown = null) => ({ done, total: Option.some(10), checkpoint })
const later = (minutes: number) => at(`${10_000 + minutes} minutes`)

/** What every JobQueue adapter must do. Each test uses a job type of its own, so tests never see each other's jobs. */
export const jobQueueContract = (it: Vitest.MethodsNonLive<JobQueue | UserRepository>) =>
  describe("JobQueue contract", () => {
    it.effect("leases a due job of a wanted type to one worker, counting the attempt", () =>
      Effect.gen(function*() {
        const queue = yield* JobQueue
        const type = `t.${++seq}`
        const due = newJob({ type })
        yield* queue.enqueue(due)
        yield* queue.enqueue(newJob({ type, runAt: later(60) }))
        yield* queue.enqueue(newJob({ type: `${type}.other` }))
        const claimed = yield* queue.claim("w1", [type], later(0), later(5))
        expect(Option.map(claimed, (j) => [j.id, j.status, j.attempts, Option.getOrNull(j.lockedBy)])).toEqual(Option.some([due.id, "running", 1, "w1"]))
        expect(yield* queue.claim("w2", [type], later(0), later(5))).toEqual(Option.none())
      }))

    it.effect("a lease that runs out goes to the next worker; the old holder can then neither renew nor finish", () =>
      Effect.gen(function*() {
        const queue = yield* JobQueue
        const type = `t.${++seq}`
        const job = newJob({ type })
        yield* queue.enqueue(job)
        yield* queue.claim("w1", [type], later(0), later(1))
        expect(Option.isSome(yield* queue.claim("w2", [type], later(0), later(5)))).toBe(false)
        const taken = yield* queue.claim("w2", [type], later(2), later(7))
        expect(Option.map(taken, (j) => j.attempts)).toEqual(Option.some(2))
        expect(yield* queue.heartbeat(job.id, "w1", later(9), progress(1))).toEqual(Option.none())
        expect(yield* queue.succeed(job.id, "w1", { ok: 1 }, progress(1), later(3))).toBe(false)
        expect(yield* queue.heartbeat(job.id, "w2", later(9), progress(4, { line: 4 }))).toEqual(Option.some("running"))
        // A late heartbeat with older progress renews the lease but leaves the newer checkpoint.
        expect(yield* queue.heartbeat(job.id, "w2", later(11), progress(2, { line: 2 }))).toEqual(Option.some("running"))
        expect(Option.map(yield* queue.findById(job.id), (j) => [j.progressDone, j.checkpoint, Option.map(j.leaseUntil, DateTime.toEpochMillis)]))
          .toEqual(Option.some([4, { line: 4 }, Option.some(DateTime.toEpochMillis(later(11)))]))
        expect(yield* queue.succeed(job.id, "w2", { imported: 4 }, progress(10, { line: 10 }), later(4))).toBe(true)
        const done = Option.getOrThrow(yield* queue.findById(job.id))
        expect([done.status, done.result, done.progressDone, done.checkpoint, Option.isSome(done.finishedAt)]).toEqual(["succeeded", { imported: 4 }, 10, { line: 10 }, true])
      }))

    it.effect("a failed attempt is queued again for later, or fails for good; errors are kept up to the limit and all counted", () =>
      Effect.gen(function*() {
        const queue = yield* JobQueue
        const type = `t.${++seq}`
        const job = newJob({ type })
        yield* queue.enqueue(job)
        yield* queue.claim("w1", [type], later(0), later(5))
        yield* queue.addErrors(job.id, Array.from({ length: MAX_JOB_ERRORS + 5 }, (_, i) => ({ message: "bad line", line: i + 1 })))
        expect(yield* queue.fail(job.id, "w1", { message: "boom", attempt: 1 }, Option.some(later(10)), later(1))).toBe(true)
        const queued = Option.getOrThrow(yield* queue.findById(job.id))
        expect([queued.status, queued.errorCount, queued.errors.length, Option.getOrNull(queued.lockedBy)]).toEqual(["queued", MAX_JOB_ERRORS + 6, MAX_JOB_ERRORS, null])
        expect(queued.errors[0]).toEqual({ message: "bad line", line: 1 })
        expect(yield* queue.claim("w1", [type], later(5), later(8))).toEqual(Option.none())
        yield* queue.claim("w1", [type], later(10), later(15))
        expect(yield* queue.fail(job.id, "w1", { message: "boom again" }, Option.none(), later(11))).toBe(true)
        expect(Option.map(yield* queue.findById(job.id), (j) => [j.status, j.attempts])).toEqual(Option.some(["failed", 2]))
        expect(yield* queue.claim("w1", [type], later(100), later(105))).toEqual(Option.none())
      }))

    it.effect("cancels a queued or running job (the holder learns it at its next heartbeat), not a finished one", () =>
      Effect.gen(function*() {
        const queue = yield* JobQueue
        const type = `t.${++seq}`
        const [queued, running] = [newJob({ type, runAt: later(50) }), newJob({ type })]
        yield* queue.enqueue(queued)
        yield* queue.enqueue(running)
        yield* queue.claim("w1", [type], later(0), later(5))
        expect(Option.map(yield* queue.cancel(queued.id, later(1)), (j) => j.status)).toEqual(Option.some("cancelled"))
        yield* queue.cancel(running.id, later(1))
        expect(yield* queue.heartbeat(running.id, "w1", later(9), progress(3))).toEqual(Option.some("cancelled"))
        expect(yield* queue.succeed(running.id, "w1", null, progress(3), later(2))).toBe(false)
        expect(Option.map(yield* queue.cancel(running.id, later(3)), (j) => j.status)).toEqual(Option.some("cancelled"))
        expect(yield* queue.claim("w2", [type], later(100), later(105))).toEqual(Option.none())
        expect(yield* queue.cancel(JobId.make(uuidV7(0)), later(1))).toEqual(Option.none())
      }))

    it.effect("concurrent claims never take the same job twice", () =>
      Effect.gen(function*() {
        const queue = yield* JobQueue
        const type = `t.${++seq}`
        const jobs = Array.from({ length: 12 }, () => newJob({ type }))
        yield* Effect.forEach(jobs, queue.enqueue)
        const claims = yield* Effect.all(
          Array.from({ length: 16 }, (_, i) => queue.claim(`w${i}`, [type], later(0), later(5))),
          { concurrency: "unbounded" }
        )
        const ids = claims.flatMap(Option.toArray).map((j) => j.id)
        expect(ids.length).toBe(12)
        expect(new Set(ids).size).toBe(12)
      }))

    it.effect("lists a user's jobs, newest first, in pages", () =>
      Effect.gen(function*() {
        const queue = yield* JobQueue
        const user = makeUser()
        yield* (yield* UserRepository).insert(user)
        const [a, b] = [newJob({ ownerId: Option.some(user.id), type: `t.${++seq}` }), newJob({ ownerId: Option.some(user.id), type: `t.${seq}` })]
        yield* queue.enqueue(a)
        yield* queue.enqueue(b)
        const first = yield* queue.list(user.id, Option.none(), 1, Option.none())
        expect(first.map((j) => j.id)).toEqual([b.id, a.id])
        const rest = yield* queue.list(user.id, Option.some({ at: DateTime.toEpochMillis(b.createdAt), id: b.id }), 1, Option.none())
        expect(rest.map((j) => j.id)).toEqual([a.id])
      }))

    it.effect("lists only the jobs of the kinds asked for (the type up to its first dot)", () =>
      Effect.gen(function*() {
        const queue = yield* JobQueue
        const user = makeUser()
        yield* (yield* UserRepository).insert(user)
        const kind = `k${++seq}`
        const otherKind = `other${seq}`
        const mine = newJob({ ownerId: Option.some(user.id), type: `${kind}.export` })
        const nested = newJob({ ownerId: Option.some(user.id), type: `${kind}.a.b` })
        const other = newJob({ ownerId: Option.some(user.id), type: `${otherKind}.import` })
        const bare = newJob({ ownerId: Option.some(user.id), type: kind })
        for (const job of [mine, nested, other, bare]) yield* queue.enqueue(job)
        const ids = (kinds: ReadonlyArray<string>) => Effect.map(queue.list(user.id, Option.none(), 10, Option.some(kinds)), (js) => js.map((j) => j.id).sort())
        expect(yield* ids([kind])).toEqual([mine.id, nested.id, bare.id].sort())
        expect(yield* ids([otherKind])).toEqual([other.id])
        expect(yield* ids([])).toEqual([])
        expect(yield* ids([`${kind}.export`])).toEqual([])
        expect((yield* queue.list(user.id, Option.none(), 10, Option.none())).length).toBe(4)
      }))

    it.effect("counts a user's queued and running jobs of every type, not finished ones nor others'", () =>
      Effect.gen(function*() {
        const queue = yield* JobQueue
        const [user, other] = [makeUser(), makeUser()]
        for (const u of [user, other]) yield* (yield* UserRepository).insert(u)
        expect(yield* queue.activeCount(user.id)).toBe(0)
        const mine = (type: string) => newJob({ ownerId: Option.some(user.id), type })
        const [a, b, c] = [mine(`t.${++seq}`), mine(`t.${++seq}`), mine(`t.${++seq}`)]
        for (const j of [a, b, c, newJob({ ownerId: Option.some(other.id), type: `t.${++seq}` })]) yield* queue.enqueue(j)
        const claimed = yield* queue.claim("w1", [b.type], later(0), later(1))
        expect(Option.map(claimed, (j) => j.id)).toEqual(Option.some(b.id))
        expect(yield* queue.activeCount(user.id)).toBe(3)
        yield* queue.cancel(c.id, later(0))
        expect(yield* queue.activeCount(user.id)).toBe(2)
        expect(yield* queue.activeCount(other.id)).toBe(1)
      }))
  })
