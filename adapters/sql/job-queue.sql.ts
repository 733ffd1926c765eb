import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { JobQueue } from "../../application/ports/job-queue.js"
import { UserId } from "../../domain/identity/user.js"
import { Job, JobError, JobId, JobStatus, MAX_JOB_ERRORS } from "../../domain/jobs/job.js"
import { allRows, firstRow, Int8, intoClass, Jsonb, OptionalTimestamp, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const JobRow = Row({
  id: JobId,
  type: Schema.String,
  ownerId: Schema.OptionFromNullOr(UserId),
  payload: Jsonb(Schema.Unknown),
  status: JobStatus,
  attempts: Schema.Int,
  maxAttempts: Schema.Int,
  runAt: Timestamp,
  lockedBy: Schema.OptionFromNullOr(Schema.String),
  leaseUntil: OptionalTimestamp,
  progressDone: Schema.Int,
  progressTotal: Schema.OptionFromNullOr(Schema.Int),
  checkpoint: Jsonb(Schema.Unknown),
  result: Jsonb(Schema.Unknown),
  errors: Jsonb(Schema.Array(JobError)),
  errorCount: Schema.Int,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  finishedAt: OptionalTimestamp
}).pipe(intoClass(Job))
const job = firstRow(JobRow)
const jobs = allRows(JobRow)
const statusOf = firstRow(Row({ status: JobStatus }))
const countOf = firstRow(Row({ count: Int8 }))

const date = DateTime.toDateUtc
const json = (value: unknown) => JSON.stringify(value ?? null)

export const JobQueueSql = Layer.effect(
  JobQueue,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const enqueue = SqlSchema.void({ Request: JobRow, execute: (row) => sql`INSERT INTO jobs ${sql.insert(row)}` })
    // Keeps the first MAX_JOB_ERRORS errors, counts them all.
    const appendErrors = (errors: ReadonlyArray<JobError>) =>
      sql`errors = (SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM (
            SELECT e FROM jsonb_array_elements(errors || ${json(errors)}::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n LIMIT ${MAX_JOB_ERRORS}) kept),
          error_count = error_count + ${errors.length}`
    return JobQueue.of({
      enqueue: (j) => enqueue(j).pipe(orStorageFailure),
      claim: (workerId, types, now, leaseUntil) =>
        job(sql`
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
        statusOf(sql`
          UPDATE jobs SET lease_until = CASE WHEN status = 'running' THEN ${date(leaseUntil)} ELSE lease_until END,
                 progress_done = CASE WHEN ${progress.done} >= progress_done THEN ${progress.done} ELSE progress_done END,
                 progress_total = CASE WHEN ${progress.done} >= progress_done THEN ${Option.getOrNull(progress.total)} ELSE progress_total END,
                 checkpoint = CASE WHEN ${progress.done} >= progress_done THEN ${json(progress.checkpoint)}::jsonb ELSE checkpoint END,
                 updated_at = now()
          WHERE id = ${id} AND locked_by = ${workerId} AND status IN ('running', 'cancelled')
          RETURNING status`).pipe(Effect.map(Option.map((r) => r.status)), orStorageFailure),
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
        Effect.andThen(
          sql`UPDATE jobs SET status = 'cancelled', finished_at = ${date(at)}, updated_at = ${date(at)}
              WHERE id = ${id} AND status IN ('queued', 'running')`,
          job(sql`SELECT * FROM jobs WHERE id = ${id}`)
        ).pipe(orStorageFailure),
      active: (type, ownerId) =>
        job(sql`SELECT * FROM jobs WHERE type = ${type} AND status IN ('queued', 'running') AND ${
          Option.match(ownerId, { onNone: () => sql`owner_id IS NULL`, onSome: (o) => sql`owner_id = ${o}` })
        } ORDER BY created_at LIMIT 1`).pipe(orStorageFailure),
      activeCount: (ownerId) =>
        countOf(sql`SELECT count(*) AS count FROM jobs WHERE owner_id = ${ownerId} AND status IN ('queued', 'running')`).pipe(
          Effect.map(Option.match({ onNone: () => 0, onSome: (row) => row.count })),
          orStorageFailure
        ),
      findById: (id) => job(sql`SELECT * FROM jobs WHERE id = ${id}`).pipe(orStorageFailure),
      list: (ownerId, after, limit, kinds) =>
        jobs(sql`SELECT * FROM jobs WHERE ${
          sql.and([
            sql`owner_id = ${ownerId}`,
            // The kind is the type up to its first dot (domain jobKind); a type without a dot is its own kind.
            ...Option.toArray(Option.map(kinds, (ks) => sql`split_part(type, '.', 1) IN ${sql.in(ks.length > 0 ? [...ks] : ["-"])}`)),
            ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)`))
          ])
        } ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`).pipe(orStorageFailure)
    })
  })
)
