import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import { Schema } from "effect"
import { JobError, JobStatus } from "../../domain/jobs/job.js"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { ApiErrors, BadRequest, Conflict, NotFound } from "./errors.js"
import { PageOf, PageQuery } from "./pagination.js"

export class JobResponse extends Schema.Class<JobResponse>("JobResponse")({
  id: Schema.String.check(Schema.isUUID()),
  type: Schema.String,
  status: JobStatus,
  progress: Schema.Struct({ done: Schema.Int, total: Schema.NullOr(Schema.Int) }),
  result: Schema.Unknown,
  /** The first problems met (bad input lines, failed attempts); error_count counts them all. */
  errors: Schema.Array(JobError),
  error_count: Schema.Int,
  attempts: Schema.Int,
  max_attempts: Schema.Int,
  run_at: Schema.DateTimeUtcFromString,
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString,
  finished_at: Schema.NullOr(Schema.DateTimeUtcFromString)
}) {}

export const JobAccepted = Schema.Struct({ job_id: Schema.String.check(Schema.isUUID()) })

const IdPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()) })
const error = [BadRequest, NotFound, Conflict, ...ApiErrors] as const

/** /jobs: the caller's long-running work (imports, exports, reindexing…). */
export class JobsApi extends HttpApiGroup.make("jobs")
  .add(HttpApiEndpoint.get("list", "/", { query: PageQuery, success: PageOf(JobResponse), error })
    .annotate(Access, Access.authenticated).annotate(OpenApi.Summary, "Your jobs, newest first"))
  .add(HttpApiEndpoint.get("get", "/:id", { params: IdPath, success: JobResponse, error })
    .annotate(Access, Access.authenticated).annotate(OpenApi.Summary, "A job: status, progress, result and errors"))
  .add(HttpApiEndpoint.delete("cancel", "/:id", { params: IdPath, success: JobResponse, error })
    .annotate(Access, Access.authenticated).annotate(OpenApi.Summary, "Cancel a queued or running job (409 once it has finished)"))
  .middleware(Authentication)
  .prefix("/api/v1/jobs")
{}
