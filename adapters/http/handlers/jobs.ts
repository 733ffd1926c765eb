import { HttpApiBuilder } from "effect/http-api"
import { Effect, Option } from "effect"
import { cancelJob, getJob, listJobs } from "../../../application/jobs/jobs.js"
import { type Job, JobId } from "../../../domain/jobs/job.js"
import { BrainOpsApi } from "../api.js"
import { CurrentActor, Authentication } from "../current-actor.js"
import { httpErrors } from "../error-mapping.js"
import { JobResponse } from "../jobs-api.js"
import { toPageRequest, toPageResponse } from "../pagination.js"
import { capturingOnly } from "../captured-context.js"
import { JobQueue } from "../../../application/ports/job-queue.js"
import { FileStore } from "../../../application/ports/file-store.js"

export const toJobResponse = (j: Job) =>
  new JobResponse({
    id: j.id,
    type: j.type,
    status: j.status,
    progress: { done: j.progressDone, total: Option.getOrNull(j.progressTotal) },
    result: j.result,
    errors: j.errors,
    error_count: j.errorCount,
    attempts: j.attempts,
    max_attempts: j.maxAttempts,
    run_at: j.runAt,
    created_at: j.createdAt,
    updated_at: j.updatedAt,
    finished_at: Option.getOrNull(j.finishedAt)
  })

const JobsGroup = HttpApiBuilder.group(BrainOpsApi, "jobs", (handlers) =>
  handlers
    .handle("list", ({ query }) =>
      Effect.flatMap(CurrentActor, (a) => listJobs(a, toPageRequest(query))).pipe(Effect.map((page) => toPageResponse(page, toJobResponse)), httpErrors))
    .handle("get", ({ params }) => Effect.flatMap(CurrentActor, (a) => getJob(a, JobId.make(params.id))).pipe(Effect.map(toJobResponse), httpErrors))
    .handle("cancel", ({ params }) => Effect.flatMap(CurrentActor, (a) => cancelJob(a, JobId.make(params.id))).pipe(Effect.map(toJobResponse), httpErrors)))

export const JobsHandlers = capturingOnly(JobsGroup, Authentication, FileStore, JobQueue)
