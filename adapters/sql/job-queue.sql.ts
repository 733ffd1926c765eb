import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { JobQueue } from "../../application/ports/job-queue.js"
import { UserId } from "../../domain/identity/user.js"
import { Job, JobError, JobId, JobStatus, MAX_JOB_ERRORS } from "../../domain/jobs/job.js"
import { orStorageFailure } from "./storage-errors.js"

const Json = Schema.Unknown
const JobRow = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  owner_id: Schema.NullOr(Schema.String),
  payload: Json,
  status: JobStatus,
  attempts: Schema.Number,
  max_attempts: Schema.Number,
  run_at: Schema.DateFromSelf,
  locked_by: Schema.NullOr(Schema.String),
  lease_until: Schema.NullOr(Schema.DateFromSelf),
  progress_done: Schema.Number,
  progress_total: Schema.NullOr(Schema.Number),
  checkpoint: Json,
  result: Json,
  errors: Schema.Array(JobError),
  error_count: Schema.Number,
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf,
  finished_at: Schema.NullOr(Schema.DateFromSelf)
})
const decodeJobs = Schema.decodeUnknown(Schema.Array(JobRow))
const utc = (d: Date) => DateTime.unsafeFromDate(d)
const toJob = (r: typeof JobRow.Type) =>
  new Job({
    id: JobId.make(r.id),
    type: r.type,
    ownerId: Option.map(Option.fromNullable(r.owner_id), (id) => UserId.make(id)),
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: utc(r.run_at),
    lockedBy: Option.fromNullable(r.locked_by),
    leaseUntil: Option.map(Option.fromNullable(r.lease_until), utc),
    progressDone: r.progress_done,
    progressTotal: Option.fromNullable(r.progress_total),
    checkpoint: r.checkpoint ?? null,
    result: r.result ?? null,
    errors: r.errors,
    errorCount: r.error_count,
    createdAt: utc(r.created_at),
    updatedAt: utc(r.updated_at),
    finishedAt: Option.map(Option.fromNullable(r.finished_at), utc)
  })

const date = DateTime.toDateUtc
const json = (value: unknown) => JSON.stringify(value ?? null)

export const JobQueueSql = Layer.effect(
  JobQueue,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const one = <E, R>(query: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
      query.pipe(Effect.flatMap(decodeJobs), Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toJob)))
    // Keeps the first MAX_JOB_ERRORS errors, counts them all.
    const appendErrors = (errors: ReadonlyArray<JobError>) =>
      sql`errors = (SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM (
            SELECT e FROM jsonb_array_elements(errors || ${json(errors)}::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n LIMIT ${MAX_JOB_ERRORS}) kept),
          error_count = error_count + ${errors.length}`
    return {
      enqueue: (job) =>
        sql`INSERT INTO jobs ${
          sql.insert({
            id: job.id,
            type: job.type,
            owner_id: Option.getOrNull(job.ownerId),
            payload: json(job.payload),
            status: job.status,
            attempts: job.attempts,
            max_attempts: job.maxAttempts,
            run_at: date(job.runAt),
            progress_done: job.progressDone,
            progress_total: Option.getOrNull(job.progressTotal),
            checkpoint: json(job.checkpoint),
            result: json(job.result),
            errors: json(job.errors),
            error_count: job.errorCount,
            created_at: date(job.createdAt),
            updated_at: date(job.updatedAt)
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      claim: (workerId, types, now, leaseUntil) =>
        one(sql`
          UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ${workerId},
                 lease_until = ${date(leaseUntil)}, updated_at = ${date(now)}
          WHERE id = (
            SELECT id FROM jobs
            WHERE type IN ${sql.in(types.length > 0 ? [...types] : ["-"])}
              AND ((status = 'queued' AND run_at <= ${date(now)}) OR (status = 'running' AND lease_until < ${date(now)}))
            ORDER BY run_at, id
            FOR UPDATE SKIP LOCKED
            LIMIT 1
          )
          RETURNING *`).pipe(orStorageFailure),
      heartbeat: (id, workerId, leaseUntil, progress) =>
        sql<{ status: JobStatus }>`
          UPDATE jobs SET lease_until = CASE WHEN status = 'running' THEN ${date(leaseUntil)} ELSE lease_until END,
                 progress_done = ${progress.done}, progress_total = ${Option.getOrNull(progress.total)},
                 checkpoint = ${json(progress.checkpoint)}::jsonb, updated_at = now()
          WHERE id = ${id} AND locked_by = ${workerId} AND status IN ('running', 'cancelled')
          RETURNING status`.pipe(Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (r) => r.status)), orStorageFailure),
      addErrors: (id, errors) =>
        errors.length === 0 ? Effect.void : sql`UPDATE jobs SET ${appendErrors(errors)} WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      succeed: (id, workerId, result, progress, at) =>
        sql`UPDATE jobs SET status = 'succeeded', result = ${json(result)}::jsonb, progress_done = ${progress.done},
                   progress_total = ${Option.getOrNull(progress.total)}, checkpoint = ${json(progress.checkpoint)}::jsonb,
                   lease_until = NULL, finished_at = ${date(at)}, updated_at = ${date(at)}
            WHERE id = ${id} AND locked_by = ${workerId} AND status = 'running' RETURNING id`.pipe(
          Effect.map((rows) => rows.length === 1),
          orStorageFailure
        ),
      fail: (id, workerId, error, retryAt, at) =>
        Option.match(retryAt, {
          onSome: (when) =>
            sql`UPDATE jobs SET status = 'queued', run_at = ${date(when)}, locked_by = NULL, lease_until = NULL, ${appendErrors([error])},
                       updated_at = ${date(at)}
                WHERE id = ${id} AND locked_by = ${workerId} AND status = 'running' RETURNING id`,
          onNone: () =>
            sql`UPDATE jobs SET status = 'failed', lease_until = NULL, ${appendErrors([error])}, finished_at = ${date(at)}, updated_at = ${date(at)}
                WHERE id = ${id} AND locked_by = ${workerId} AND status = 'running' RETURNING id`
        }).pipe(Effect.map((rows) => rows.length === 1), orStorageFailure),
      cancel: (id, at) =>
        Effect.flatMap(
          sql`UPDATE jobs SET status = 'cancelled', finished_at = ${date(at)}, updated_at = ${date(at)}
              WHERE id = ${id} AND status IN ('queued', 'running')`,
          () => one(sql`SELECT * FROM jobs WHERE id = ${id}`)
        ).pipe(orStorageFailure),
      active: (type, ownerId) =>
        one(sql`SELECT * FROM jobs WHERE type = ${type} AND status IN ('queued', 'running') AND ${
          Option.match(ownerId, { onNone: () => sql`owner_id IS NULL`, onSome: (o) => sql`owner_id = ${o}` })
        } ORDER BY created_at LIMIT 1`).pipe(orStorageFailure),
      findById: (id) => one(sql`SELECT * FROM jobs WHERE id = ${id}`).pipe(orStorageFailure),
      list: (ownerId, after, limit) =>
        sql`SELECT * FROM jobs WHERE ${
          sql.and([
            sql`owner_id = ${ownerId}`,
            ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)`))
          ])
        } ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`.pipe(
          Effect.flatMap(decodeJobs),
          Effect.map((rows) => rows.map(toJob)),
          orStorageFailure
        )
    }
  })
)
