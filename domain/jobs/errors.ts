import { Schema } from "effect"
import { JobStatus } from "./job.js"

/** A finished job cannot be cancelled. */
export class JobAlreadyFinished extends Schema.TaggedError<JobAlreadyFinished>()("JobAlreadyFinished", {
  status: JobStatus
}) {}

/** The user already has `limit` jobs queued or running: a new one waits until one of them ends. */
export class TooManyActiveJobs extends Schema.TaggedError<TooManyActiveJobs>()("TooManyActiveJobs", {
  limit: Schema.Int,
  retryAfterSeconds: Schema.Int
}) {}
