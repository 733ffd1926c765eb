import { Context, DateTime, Duration, Effect, Option, Ref, Schedule, Schema } from "effect"
import { type Job, type JobError, retryDelayMillis } from "../../domain/jobs/job.js"
import type { StorageUnavailable } from "../ports/errors.js"
import { JobQueue } from "../ports/job-queue.js"

/** A handler's verdict on its job: `retryable: false` fails it for good at once. */
export class JobFailed extends Schema.TaggedError<JobFailed>()("JobFailed", {
  message: Schema.String,
  retryable: Schema.Boolean
}) {}

/**
 * The job is no longer this worker's: its lease ran out and another worker took it, or it was
 * cancelled. A `save` that finds this fails, so the transaction around it (the work of the batch)
 * rolls back instead of committing work the new holder will do again.
 */
export class LeaseLost extends Schema.TaggedError<LeaseLost>()("LeaseLost", {}) {}

/** What a running handler sees of its job. */
export interface JobRun {
  readonly job: Job
  /** Progress (and where to resume from) as of now; stored with the next heartbeat and at the end. */
  readonly progress: (done: number, total: Option.Option<number>, checkpoint: unknown) => Effect.Effect<void>
  /**
   * Stores progress and checkpoint now. Inside the transaction that did the work, the two commit
   * together: a job resumed after a crash starts exactly where the committed work ends. Fails with
   * LeaseLost when the job is no longer this worker's (nothing of that transaction may commit).
   */
  readonly save: (done: number, total: Option.Option<number>, checkpoint: unknown) => Effect.Effect<void, StorageUnavailable | LeaseLost>
  /** Problems worth reporting that do not stop the job (a bad input line). */
  readonly report: (errors: ReadonlyArray<JobError>) => Effect.Effect<void, StorageUnavailable>
}

/** Anything a handler fails with; only JobFailed{retryable: false} is final before the last attempt. */
export type JobHandler = (run: JobRun) => Effect.Effect<unknown, { readonly _tag: string; readonly message?: string }>

/** The job types this process can run, each an Effect use-case (its services already provided). */
export class JobHandlers extends Context.Service<JobHandlers, Readonly<Record<string, JobHandler>>>()("JobHandlers") {}

export interface WorkerSettings {
  readonly workerId: string
  readonly concurrency: number
  readonly pollInterval: Duration.Input
  /** How long a claim holds without a heartbeat; heartbeats come every third of it. */
  readonly lease: Duration.Input
}

class Stop extends Schema.TaggedError<Stop>()("Stop", { reason: Schema.Literals(["cancelled", "lease lost"]) }) {}

const describe = (error: { readonly _tag: string; readonly message?: string }) => error.message ? `${error._tag}: ${error.message}` : error._tag

/** Runs one claimed job to its end: success, a retry later, a final failure, or a stop on cancel. */
const execute = (settings: WorkerSettings, job: Job) =>
  Effect.gen(function*() {
    const queue = yield* JobQueue
    const handlers = yield* JobHandlers
    const at = DateTime.now
    const log = Effect.annotateLogs({ job: job.id, type: job.type, attempt: job.attempts, worker: settings.workerId })
    if (job.attempts > job.maxAttempts) {
      // Claimed again after its last attempt's worker died: nothing more to try.
      yield* queue.fail(job.id, settings.workerId, { message: `gave up after ${job.maxAttempts} attempts`, attempt: job.attempts }, Option.none(), yield* at)
      return
    }
    const handler = handlers[job.type]
    if (handler === undefined) {
      yield* queue.fail(job.id, settings.workerId, { message: `no handler for job type ${job.type}` }, Option.none(), yield* at)
      return
    }
    const state = yield* Ref.make({ done: job.progressDone, total: job.progressTotal, checkpoint: job.checkpoint })
    const heartbeat = Effect.gen(function*() {
      const now = yield* at
      const status = yield* queue.heartbeat(job.id, settings.workerId, DateTime.addDuration(now, settings.lease), yield* Ref.get(state))
      if (Option.isNone(status)) return yield* new Stop({ reason: "lease lost" })
      if (status.value === "cancelled") return yield* new Stop({ reason: "cancelled" })
    })
    const beats = Effect.repeat(
      Effect.andThen(Effect.sleep(Duration.divideUnsafe(Duration.fromInputUnsafe(settings.lease), 3)), heartbeat),
      Schedule.forever
    )
    const run: JobRun = {
      job,
      progress: (done, total, checkpoint) => Ref.set(state, { done, total, checkpoint }),
      save: (done, total, checkpoint) =>
        Effect.gen(function*() {
          const status = yield* queue.heartbeat(job.id, settings.workerId, DateTime.addDuration(yield* at, settings.lease), { done, total, checkpoint })
          if (Option.isNone(status) || status.value !== "running") return yield* new LeaseLost()
          yield* Ref.set(state, { done, total, checkpoint })
        }),
      report: (errors) => queue.addErrors(job.id, errors)
    }
    yield* Effect.logInfo("job started").pipe(log)
    const outcome = yield* Effect.result(Effect.raceFirst(handler(run), Effect.andThen(beats, Effect.never)))
    const now = yield* at
    if (outcome._tag === "Success") {
      yield* queue.succeed(job.id, settings.workerId, outcome.success ?? null, yield* Ref.get(state), now)
      yield* Effect.logInfo("job succeeded").pipe(log)
      return
    }
    const error = outcome.failure
    if (error._tag === "Stop" || error._tag === "LeaseLost") {
      yield* Effect.logInfo(`job stopped: ${error._tag === "Stop" ? (error as Stop).reason : "lease lost or cancelled"}`).pipe(log)
      return
    }
    // Progress made before the failure is kept, so a resumable job starts again from there.
    yield* queue.heartbeat(job.id, settings.workerId, now, yield* Ref.get(state)).pipe(Effect.ignore)
    const final = (error._tag === "JobFailed" && !(error as JobFailed).retryable) || job.attempts >= job.maxAttempts
    const retryAt = final ? Option.none() : Option.some(DateTime.add(now, { milliseconds: retryDelayMillis(job.attempts) }))
    yield* queue.fail(job.id, settings.workerId, { message: describe(error), attempt: job.attempts }, retryAt, now)
    yield* Effect.logWarning(final ? "job failed" : "job attempt failed; will retry").pipe(Effect.annotateLogs("error", describe(error)), log)
  })

/** Claims and runs one job if one is due; answers whether it found one. */
export const runOnce = (settings: WorkerSettings) =>
  Effect.gen(function*() {
    const queue = yield* JobQueue
    const handlers = yield* JobHandlers
    const now = yield* DateTime.now
    const claimed = yield* queue.claim(settings.workerId, Object.keys(handlers), now, DateTime.addDuration(now, settings.lease))
    if (Option.isNone(claimed)) return false
    yield* execute(settings, claimed.value).pipe(
      Effect.catchCause((cause) => Effect.logError("job run failed", cause).pipe(Effect.annotateLogs("job", claimed.value.id)))
    )
    return true
  })

/**
 * `concurrency` loops, each claiming and running one job at a time, sleeping `pollInterval` when none
 * is due. Storage outages are logged and waited out. Runs until interrupted (an interrupted job is
 * taken again by some worker when its lease runs out).
 */
export const runWorkers = (settings: WorkerSettings) =>
  Effect.forEach(
    Array.from({ length: settings.concurrency }, (_, i) => i),
    (slot) =>
      // Each loop claims under an id of its own: a job whose lease ran out and that another loop of
      // this process took is then fenced off from the first (its heartbeats and saves fail).
      runOnce({ ...settings, workerId: `${settings.workerId}/${slot}` }).pipe(
        Effect.catch((error) => Effect.as(Effect.logWarning("job queue unavailable", error.message), false)),
        Effect.flatMap((found) => (found ? Effect.void : Effect.sleep(settings.pollInterval))),
        Effect.forever,
        Effect.annotateLogs("slot", slot)
      ),
    { concurrency: "unbounded", discard: true }
  )
