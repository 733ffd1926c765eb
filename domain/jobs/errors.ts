import { Schema } from "effect"
import { JobStatus } from "./job.js"

/** A finished job cannot be cancelled. */
export class JobAlreadyFinished extends Schema.TaggedError<JobAlreadyFinished>()("JobAlreadyFinished", {
  status: JobStatus
}) {}
