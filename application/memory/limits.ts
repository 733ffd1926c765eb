import { Context, Duration, Effect } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { TooManyActiveJobs } from "../../domain/jobs/errors.js"
import { JobQueue } from "../ports/job-queue.js"
import { enforce, type RateLimitPolicy } from "../shared/rate-limit.js"

/** Per-user limits of the memory endpoints that cost the most (embedding, scans, files). */
export class MemoryLimitSettings extends Context.Service<MemoryLimitSettings, {
  /** Searches a minute for one user (all their sessions and keys). */
  readonly searchesPerMinute: number
  /** Questions (RAG) a minute for one user. */
  readonly questionsPerMinute: number
  /** Imports, exports, reindexes and deduplications started an hour by one user. */
  readonly jobsPerHour: number
  /** Jobs of one user queued or running at once. */
  readonly activeJobsPerUser: number
}>()("MemoryLimitSettings") {}

/** When a refused job start may try again: about when a worker could have finished one. */
const ACTIVE_JOBS_RETRY_SECONDS = 30

// Counters are keyed by policy name: these names must differ from the identity ones (limits.ts).
const policiesOf = (s: MemoryLimitSettings["Service"]) => ({
  search: { name: "searches", limit: s.searchesPerMinute, window: Duration.minutes(1) },
  rag: { name: "questions", limit: s.questionsPerMinute, window: Duration.minutes(1) },
  jobs: { name: "memory jobs started", limit: s.jobsPerHour, window: Duration.hours(1) }
} satisfies Record<string, RateLimitPolicy>)

/** Counts a search (or a question) against the user's limit; refuses past it (429 + Retry-After). */
export const admitQuery = (actor: Actor, kind: "search" | "rag") =>
  Effect.flatMap(MemoryLimitSettings, (s) => Effect.asVoid(enforce(policiesOf(s)[kind], actor.userId)))

/**
 * Admits a new job for the user, before anything is stored (an import's upload included): refused
 * when they already have `activeJobsPerUser` queued or running, or started `jobsPerHour` this hour.
 * The cap is checked first, so a refused start does not use up the hourly count.
 */
export const admitJob = Effect.fn("Memory.admitJob")(function*(actor: Actor) {
  const settings = yield* MemoryLimitSettings
  const active = yield* (yield* JobQueue).activeCount(actor.userId)
  if (active >= settings.activeJobsPerUser) {
    return yield* new TooManyActiveJobs({ limit: settings.activeJobsPerUser, retryAfterSeconds: ACTIVE_JOBS_RETRY_SECONDS })
  }
  yield* enforce(policiesOf(settings).jobs, actor.userId)
})
