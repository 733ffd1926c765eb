import { Context, type DateTime, type Effect, type Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { Job, JobError, JobId, JobStatus } from "../../domain/jobs/job.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

export interface JobProgressUpdate {
  readonly done: number
  readonly total: Option.Option<number>
  readonly checkpoint: unknown
}

/**
 * Durable jobs, shared by every API and worker process. A job is leased to one worker at a time; a
 * worker that stops renewing its lease loses the job to the next claim, so a crash never loses one.
 */
export class JobQueue extends Context.Service<JobQueue, {
  readonly enqueue: (job: Job) => Effect.Effect<void, StorageUnavailable>
  /**
   * Leases the next job due to `workerId` until `leaseUntil` (one of `types`; queued and due, or
   * running with an expired lease), counting an attempt. Two claims never take the same job.
   */
  readonly claim: (
    workerId: string,
    types: ReadonlyArray<string>,
    now: DateTime.Utc,
    leaseUntil: DateTime.Utc
  ) => Effect.Effect<Option.Option<Job>, StorageUnavailable>
  /**
   * Renews the lease and stores progress. Answers the job's status while this worker still holds
   * it (cancelled: stop), or none when the lease was lost to another worker. Progress never goes
   * back: a heartbeat carrying less done than is stored leaves progress and checkpoint as they are
   * (the periodic heartbeat reads its progress, then may wait for the connection while a batch
   * commits a later checkpoint; written after it, it would send a resumed job back over that batch).
   */
  readonly heartbeat: (
    id: JobId,
    workerId: string,
    leaseUntil: DateTime.Utc,
    progress: JobProgressUpdate
  ) => Effect.Effect<Option.Option<JobStatus>, StorageUnavailable>
  /** Appends errors (the first MAX_JOB_ERRORS are kept; all are counted). */
  readonly addErrors: (id: JobId, errors: ReadonlyArray<JobError>) => Effect.Effect<void, StorageUnavailable>
  /** Finishes a job this worker holds; false when it no longer does. */
  readonly succeed: (id: JobId, workerId: string, result: unknown, progress: JobProgressUpdate, at: DateTime.Utc) => Effect.Effect<boolean, StorageUnavailable>
  /** A failed attempt: queued again for `retryAt`, or failed for good when none. */
  readonly fail: (
    id: JobId,
    workerId: string,
    error: JobError,
    retryAt: Option.Option<DateTime.Utc>,
    at: DateTime.Utc
  ) => Effect.Effect<boolean, StorageUnavailable>
  /** Cancels a queued or running job; answers the job as it now is (none if missing). */
  readonly cancel: (id: JobId, at: DateTime.Utc) => Effect.Effect<Option.Option<Job>, StorageUnavailable>
  /** A queued or running job of this type and owner (none: a system job), if there is one. */
  readonly active: (type: string, ownerId: Option.Option<UserId>) => Effect.Effect<Option.Option<Job>, StorageUnavailable>
  /** How many of a user's jobs are queued or running (of any type): what the per-user cap counts. */
  readonly activeCount: (ownerId: UserId) => Effect.Effect<number, StorageUnavailable>
  readonly findById: (id: JobId) => Effect.Effect<Option.Option<Job>, StorageUnavailable>
  /**
   * A user's jobs, newest first; limit + 1 rows. `kinds` keeps only jobs of these kinds (the part of
   * the type before its first dot; none: every kind).
   */
  readonly list: (
    ownerId: UserId,
    after: Option.Option<Position>,
    limit: number,
    kinds: Option.Option<ReadonlyArray<string>>
  ) => Effect.Effect<ReadonlyArray<Job>, StorageUnavailable>
}>()("JobQueue") {}
