import { DateTime, Effect, Option, Schema } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { UserId } from "../../domain/identity/user.js"
import { MemoryId } from "../../domain/memory/memory.js"
import { enqueueJob } from "../jobs/jobs.js"
import type { JobRun } from "../jobs/runner.js"
import { JobQueue } from "../ports/job-queue.js"
import { MemoryRepository } from "../ports/memory-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { VectorIndex } from "../ports/vector-index.js"
import { embedMemories, patiently } from "./indexing.js"

export const REINDEX_JOB = "memory.reindex"
const BATCH = 64
const Checkpoint = Schema.Struct({ after: Schema.NullOr(Schema.String), done: Schema.Number })

/** Re-embeds the caller's memories with the configured model (a job; search stays up meanwhile). */
export const startReindex = Effect.fn("Memory.startReindex")(function*(actor: Actor) {
  const running = yield* (yield* JobQueue).active(REINDEX_JOB, Option.some(actor.userId))
  return Option.isSome(running) ? running.value : yield* enqueueJob(REINDEX_JOB, Option.some(actor.userId), {})
})

/**
 * After a change of embedding model, every memory of every user is re-embedded by one system job,
 * queued at startup unless one is already queued or running. Until a memory is redone, vector search
 * skips its old vectors (keyword search and the rest of hybrid search keep working).
 */
export const reindexIfModelChanged = Effect.gen(function*() {
  const foreign = yield* (yield* VectorIndex).foreignVectors
  if (Option.isNone(foreign)) return Option.none()
  const queue = yield* JobQueue
  const running = yield* queue.active(REINDEX_JOB, Option.none())
  yield* Effect.logWarning("stored memory vectors were made by another embedding model: re-embedding every memory").pipe(
    Effect.annotateLogs({ stored: `${foreign.value.model} (${foreign.value.dimensions})`, job: Option.match(running, { onNone: () => "new", onSome: (j) => j.id }) })
  )
  return Option.some(Option.isSome(running) ? running.value : yield* enqueueJob(REINDEX_JOB, Option.none(), {}, { maxAttempts: 20 }))
})

/** The reindex job: memories in id order, a batch at a time, each batch's vectors and checkpoint in one transaction. */
export const runReindex = (run: JobRun) =>
  Effect.gen(function*() {
    const memories = yield* MemoryRepository
    const index = yield* VectorIndex
    const uow = yield* UnitOfWork
    const owner = Option.map(run.job.ownerId, (o) => UserId.make(o))
    let state = Option.getOrElse(Schema.decodeUnknownOption(Checkpoint)(run.job.checkpoint), () => ({ after: null, done: 0 }))
    for (;;) {
      const batch = yield* memories.pageById(owner, Option.map(Option.fromNullishOr(state.after), (a) => MemoryId.make(a)), BATCH)
      if (batch.length === 0) break
      const entries = yield* patiently(embedMemories(batch))
      const next = { after: batch.at(-1)!.id as string, done: state.done + batch.length }
      yield* uow.transaction(
        Effect.gen(function*() {
          // A memory edited (re-indexed by its edit) or deleted since it was read keeps what it has.
          const current = yield* Effect.forEach(batch, (m) =>
            Effect.map(memories.findById(m.id), (found) => Option.exists(found, (f) => DateTime.toEpochMillis(f.updatedAt) === DateTime.toEpochMillis(m.updatedAt)) ? [m.id as string] : []))
          const unchanged = new Set(current.flat())
          yield* index.upsert(entries.filter((e) => unchanged.has(e.memoryId)))
          yield* run.save(next.done, Option.none(), next)
        })
      )
      state = next
    }
    return { reindexed: state.done }
  })
