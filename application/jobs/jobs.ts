import { DateTime, Duration, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { UserId } from "../../domain/identity/user.js"
import { JobAlreadyFinished } from "../../domain/jobs/errors.js"
import { isFinished, Job, JobId, JOB_KIND_SCOPES, jobScopes } from "../../domain/jobs/job.js"
import { Forbidden, NotFound } from "../../domain/shared/errors.js"
import { FileStore } from "../ports/file-store.js"
import { Ids } from "../ports/ids.js"
import { JobQueue } from "../ports/job-queue.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"

/** Queues a job, due now, for a worker to run. */
export const enqueueJob = Effect.fn("Jobs.enqueue")(function*(
  type: string,
  ownerId: Option.Option<UserId>,
  payload: unknown,
  options: { readonly maxAttempts?: number; readonly id?: JobId } = {}
) {
  const now = yield* DateTime.now
  const job = new Job({
    id: options.id ?? JobId.make(yield* (yield* Ids).next),
    type,
    ownerId,
    payload,
    status: "queued",
    attempts: 0,
    maxAttempts: options.maxAttempts ?? 5,
    runAt: now,
    lockedBy: Option.none(),
    leaseUntil: Option.none(),
    progressDone: 0,
    progressTotal: Option.none(),
    checkpoint: null,
    result: null,
    errors: [],
    errorCount: 0,
    createdAt: now,
    updatedAt: now,
    finishedAt: Option.none()
  })
  yield* (yield* JobQueue).enqueue(job)
  yield* Effect.logInfo("job queued").pipe(Effect.annotateLogs({ job: job.id, type }))
  return job
})

const isSession = (actor: Actor) => Option.isSome(actor.sessionId)

/**
 * Whether the actor may read (or start and cancel) a job of this type: a session may do anything
 * with its own jobs; an API key needs the scope of the job's kind, and reaches no job of a kind
 * that declares none.
 */
export const jobAccess = (actor: Actor, type: string, access: "read" | "write"): Effect.Effect<void, Forbidden> => {
  if (isSession(actor)) return Effect.void
  return Option.match(jobScopes(type), {
    onNone: () => Effect.fail(new Forbidden({ reason: `API keys cannot reach ${type} jobs; use a signed-in session` })),
    onSome: (scopes) =>
      actor.scopes.has(scopes[access]) ? Effect.void : Effect.fail(new Forbidden({ reason: `This API key lacks the scope ${scopes[access]}` }))
  })
}

/** The actor's own job, if it may `access` it; anyone else's answers NotFound (its own, with a missing scope: Forbidden). */
const ownJob = (actor: Actor, id: JobId, access: "read" | "write") =>
  Effect.flatMap(JobQueue, (q) => q.findById(id)).pipe(
    Effect.flatMap((found) =>
      Option.isSome(found) && Option.contains(found.value.ownerId, actor.userId) ? Effect.succeed(found.value) : Effect.fail(new NotFound({ resource: "Job" }))),
    Effect.tap((job) => jobAccess(actor, job.type, access))
  )

/** The job kinds the actor may list: every kind for a session, else those whose read scope its API key carries. */
const readableKinds = (actor: Actor): Option.Option<ReadonlyArray<string>> =>
  isSession(actor) ? Option.none() : Option.some([...JOB_KIND_SCOPES].filter(([, scopes]) => actor.scopes.has(scopes.read)).map(([kind]) => kind))

/** How long a job's download link lasts; each read of the job hands out a fresh one. */
export const DOWNLOAD_LINK_TTL = Duration.minutes(15)

/** A job whose result names a stored file (an export) gets a short-lived download URL for it. */
const withDownload = (job: Job) =>
  Effect.gen(function*() {
    const result = job.result as { readonly file_key?: unknown } | null
    if (job.status !== "succeeded" || typeof result?.file_key !== "string") return job
    const key = result.file_key
    const url = yield* (yield* FileStore).downloadUrl(key, DOWNLOAD_LINK_TTL, key.split("/").at(-1) ?? "download")
    const expiresAt = DateTime.addDuration(yield* DateTime.now, DOWNLOAD_LINK_TTL)
    return new Job({ ...job, result: { ...result, download_url: url, download_expires_at: DateTime.formatIso(expiresAt) } })
  })

export const getJob = Effect.fn("Jobs.get")((actor: Actor, id: JobId) => Effect.flatMap(ownJob(actor, id, "read"), withDownload))

/** The actor's jobs of the kinds it may read; an API key that may read none is refused (403), not shown an empty list. */
export const listJobs = Effect.fn("Jobs.list")(function*(actor: Actor, page: PageRequest) {
  const kinds = readableKinds(actor)
  if (Option.isSome(kinds) && kinds.value.length === 0) {
    const scopes = [...JOB_KIND_SCOPES.values()].map((s) => s.read).join(" or ")
    return yield* Effect.fail(new Forbidden({ reason: `This API key lacks the scope ${scopes}` }))
  }
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* JobQueue).list(actor.userId, after, page.limit, kinds)
  return toPage(rows, page.limit, (j) => ({ at: DateTime.toEpochMillis(j.createdAt), id: j.id }))
})

/** Cancels the actor's queued or running job; a running one stops at its worker's next heartbeat. */
export const cancelJob = Effect.fn("Jobs.cancel")(function*(actor: Actor, id: JobId) {
  const job = yield* ownJob(actor, id, "write")
  if (isFinished(job.status)) return yield* Effect.fail(new JobAlreadyFinished({ status: job.status }))
  const cancelled = yield* (yield* JobQueue).cancel(id, yield* DateTime.now)
  return Option.getOrElse(cancelled, () => job)
})
