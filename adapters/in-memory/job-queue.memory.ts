import { DateTime, Effect, Equivalence, Layer, Option, Ref } from "effect"
import { JobQueue, type JobProgressUpdate } from "../../application/ports/job-queue.js"
import { Job, type JobError, jobKind, MAX_JOB_ERRORS } from "../../domain/jobs/job.js"
import { newestFirstAfter } from "./keyset.js"

/** For tests only: the same lease rules as the SQL queue, over a Ref (one process, so no locking). */
export const JobQueueMemory = Layer.effect(
  JobQueue,
  Effect.gen(function*() {
    const jobs = yield* Ref.make(new Map<string, Job>())
    const change = <A>(id: string, f: (job: Job) => Option.Option<[A, Job]>) =>
      Ref.modify(jobs, (all): readonly [Option.Option<A>, Map<string, Job>] => {
        const job = all.get(id)
        const changed = job === undefined ? Option.none() : f(job)
        return Option.isSome(changed) ? [Option.some(changed.value[0]), new Map(all).set(id, changed.value[1])] : [Option.none(), all]
      })
    const withErrors = (job: Job, errors: ReadonlyArray<JobError>) => ({
      errors: [...job.errors, ...errors].slice(0, MAX_JOB_ERRORS),
      errorCount: job.errorCount + errors.length
    })
    const withProgress = (p: JobProgressUpdate) => ({ progressDone: p.done, progressTotal: p.total, checkpoint: p.checkpoint })
    const holds = (job: Job, workerId: string) => Option.contains(job.lockedBy, workerId)
    const sameOwner = Option.makeEquivalence(Equivalence.strictEqual<string>())
    return JobQueue.of({
      enqueue: (job) => Ref.update(jobs, (all) => new Map(all).set(job.id, job)),
      claim: (workerId, types, now, leaseUntil) =>
        Ref.modify(jobs, (all) => {
          const due = [...all.values()]
            .filter((j) =>
              types.includes(j.type) &&
              ((j.status === "queued" && !DateTime.isGreaterThan(j.runAt, now)) ||
                (j.status === "running" && Option.exists(j.leaseUntil, (l) => DateTime.isLessThan(l, now))))
            )
            .sort((a, b) => DateTime.toEpochMillis(a.runAt) - DateTime.toEpochMillis(b.runAt) || (a.id < b.id ? -1 : 1))[0]
          if (due === undefined) return [Option.none(), all] as const
          const claimed = new Job({
            ...due,
            status: "running",
            attempts: due.attempts + 1,
            lockedBy: Option.some(workerId),
            leaseUntil: Option.some(leaseUntil),
            updatedAt: now
          })
          return [Option.some(claimed), new Map(all).set(due.id, claimed)] as const
        }),
      heartbeat: (id, workerId, leaseUntil, progress) =>
        change(id, (job) =>
          holds(job, workerId) && (job.status === "running" || job.status === "cancelled")
            ? Option.some([job.status, new Job({
              ...job,
              ...(progress.done >= job.progressDone ? withProgress(progress) : {}),
              leaseUntil: job.status === "running" ? Option.some(leaseUntil) : job.leaseUntil
            })])
            : Option.none()),
      addErrors: (id, errors) => Effect.asVoid(change(id, (job) => Option.some([undefined, new Job({ ...job, ...withErrors(job, errors) })]))),
      succeed: (id, workerId, result, progress, at) =>
        Effect.map(
          change(id, (job) =>
            holds(job, workerId) && job.status === "running"
              ? Option.some([true, new Job({ ...job, ...withProgress(progress), status: "succeeded", result, leaseUntil: Option.none(), finishedAt: Option.some(at), updatedAt: at })])
              : Option.none()),
          Option.isSome
        ),
      fail: (id, workerId, error, retryAt, at) =>
        Effect.map(
          change(id, (job) =>
            holds(job, workerId) && job.status === "running"
              ? Option.some([
                true,
                new Job({
                  ...job,
                  ...withErrors(job, [error]),
                  ...Option.match(retryAt, {
                    onSome: (when) => ({ status: "queued" as const, runAt: when, lockedBy: Option.none(), leaseUntil: Option.none() }),
                    onNone: () => ({ status: "failed" as const, leaseUntil: Option.none(), finishedAt: Option.some(at) })
                  }),
                  updatedAt: at
                })
              ])
              : Option.none()),
          Option.isSome
        ),
      cancel: (id, at) =>
        Effect.andThen(
          change(id, (job) =>
            job.status === "queued" || job.status === "running"
              ? Option.some([undefined, new Job({ ...job, status: "cancelled", finishedAt: Option.some(at), updatedAt: at })])
              : Option.none()),
          Effect.map(Ref.get(jobs), (all) => Option.fromNullishOr(all.get(id)))
        ),
      active: (type, ownerId) =>
        Effect.map(Ref.get(jobs), (all) =>
          Option.fromNullishOr(
            [...all.values()].find((j) =>
              j.type === type && (j.status === "queued" || j.status === "running") &&
              sameOwner(j.ownerId, ownerId)
            )
          )),
      activeCount: (ownerId) =>
        Effect.map(Ref.get(jobs), (all) =>
          [...all.values()].filter((j) => Option.contains(j.ownerId, ownerId) && (j.status === "queued" || j.status === "running")).length),
      findById: (id) => Effect.map(Ref.get(jobs), (all) => Option.fromNullishOr(all.get(id))),
      list: (ownerId, after, limit, kinds) =>
        Effect.map(Ref.get(jobs), (all) =>
          newestFirstAfter(
            [...all.values()].filter((j) =>
              Option.contains(j.ownerId, ownerId) && Option.match(kinds, { onNone: () => true, onSome: (ks) => ks.includes(jobKind(j.type)) })
            ),
            after,
            limit
          ))
    })
  })
)
