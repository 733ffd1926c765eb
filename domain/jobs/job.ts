import { Option, Schema } from "effect"
import type { Scope } from "../identity/actor.js"
import { UserId } from "../identity/user.js"

export const JobId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("JobId"))
export type JobId = typeof JobId.Type

export const JobStatus = Schema.Literals(["queued", "running", "succeeded", "failed", "cancelled"])
export type JobStatus = typeof JobStatus.Type

/** One problem met by a job: a bad input line, or a failed attempt. */
export const JobError = Schema.Struct({
  message: Schema.String,
  /** The input line it concerns (1-based), for imports. */
  line: Schema.optional(Schema.Int),
  attempt: Schema.optional(Schema.Int)
})
export type JobError = typeof JobError.Type

/** At most this many errors are kept on a job; beyond, only the count grows. */
export const MAX_JOB_ERRORS = 1000

export class Job extends Schema.Class<Job>("Job")({
  id: JobId,
  type: Schema.String,
  ownerId: Schema.OptionFromNullOr(UserId),
  payload: Schema.Unknown,
  status: JobStatus,
  attempts: Schema.Int,
  maxAttempts: Schema.Int,
  runAt: Schema.DateTimeUtc,
  /** Who holds it and until when; a worker that stops renewing loses it, and another takes the job. */
  lockedBy: Schema.OptionFromNullOr(Schema.String),
  leaseUntil: Schema.OptionFromNullOr(Schema.DateTimeUtc),
  progressDone: Schema.Int,
  progressTotal: Schema.OptionFromNullOr(Schema.Int),
  /** Where a resumable job got to, in its own terms (an import: the lines already handled). */
  checkpoint: Schema.Unknown,
  result: Schema.Unknown,
  errors: Schema.Array(JobError),
  errorCount: Schema.Int,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  finishedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc)
}) {}

export const isFinished = (status: JobStatus) => status === "succeeded" || status === "failed" || status === "cancelled"

/** Retry delay after `attempts` failed attempts: 5 s, 10 s, 20 s… capped at 10 minutes. */
export const retryDelayMillis = (attempts: number) => Math.min(600_000, 5_000 * 2 ** Math.max(0, attempts - 1))

/** The scopes an API key needs for a job: `read` to see it (and its result), `write` to start or cancel it. */
export interface JobScopes {
  readonly read: Scope
  readonly write: Scope
}

/**
 * Jobs carry the scopes of their kind, the part of the type before the first dot: an export holds a
 * memory dump, so a key that may not read memories may not read the export job either.
 */
export const JOB_KIND_SCOPES: ReadonlyMap<string, JobScopes> = new Map([
  ["memory", { read: "memories:read", write: "memories:write" }]
])

export const jobKind = (type: string): string => type.split(".", 1)[0] ?? type

/** The scopes a job of this type asks of an API key; none for a kind not listed, which only sessions reach. */
export const jobScopes = (type: string): Option.Option<JobScopes> => Option.fromNullishOr(JOB_KIND_SCOPES.get(jobKind(type)))
