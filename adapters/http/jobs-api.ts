import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { JobError, JobStatus } from "../../domain/jobs/job.js"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { BadRequest, Conflict, NotFound } from "./errors.js"
import { PageOf, PageQuery } from "./pagination.js"

export class JobResponse extends Schema.Class<JobResponse>("JobResponse")({
  id: Schema.UUID,
  type: Schema.String,
  status: JobStatus,
  progress: Schema.Struct({ done: Schema.Int, total: Schema.NullOr(Schema.Int) }),
  result: Schema.Unknown,
  /** The first problems met (bad input lines, failed attempts); error_count counts them all. */
  errors: Schema.Array(JobError),
  error_count: Schema.Int,
  attempts: Schema.Int,
  max_attempts: Schema.Int,
  run_at: Schema.DateTimeUtc,
  created_at: Schema.DateTimeUtc,
  updated_at: Schema.DateTimeUtc,
  finished_at: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export const JobAccepted = Schema.Struct({ job_id: Schema.UUID })

const IdPath = Schema.Struct({ id: Schema.UUID })

/** /jobs: the caller's long-running work (imports, exports, reindexing…). */
export class JobsApi extends HttpApiGroup.make("jobs")
  .add(HttpApiEndpoint.get("list", "/").setUrlParams(PageQuery).addSuccess(PageOf(JobResponse))
    .annotate(Access, Access.authenticated).annotate(OpenApi.Summary, "Your jobs, newest first"))
  .add(HttpApiEndpoint.get("get", "/:id").setPath(IdPath).addSuccess(JobResponse)
    .annotate(Access, Access.authenticated).annotate(OpenApi.Summary, "A job: status, progress, result and errors"))
  .add(HttpApiEndpoint.del("cancel", "/:id").setPath(IdPath).addSuccess(JobResponse)
    .annotate(Access, Access.authenticated).annotate(OpenApi.Summary, "Cancel a queued or running job (409 once it has finished)"))
  .addError(BadRequest)
  .addError(NotFound)
  .addError(Conflict)
  .middleware(Authentication)
  .prefix("/api/v1/jobs")
{}
