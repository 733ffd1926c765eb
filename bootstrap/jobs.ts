import * as os from "node:os"
import { Effect, Layer, Option } from "effect"
import { JobHandlers, runWorkers } from "../application/jobs/runner.js"
import { DEDUPLICATE_JOB, runDeduplicate } from "../application/memory/deduplicate.js"
import { reindexIfModelChanged, REINDEX_JOB, runReindex } from "../application/memory/reindex.js"
import { EXPORT_JOB, IMPORT_JOB, runExport, runImport } from "../application/memory/transfer.js"
import type { ContentHash } from "../application/ports/content-hash.js"
import type { Embedder } from "../application/ports/embedder.js"
import type { FileStore } from "../application/ports/file-store.js"
import type { Ids } from "../application/ports/ids.js"
import type { MemoryRepository } from "../application/ports/memory-repository.js"
import type { UnitOfWork } from "../application/ports/unit-of-work.js"
import type { VectorIndex } from "../application/ports/vector-index.js"
import type { AppConfig } from "./config.js"

/** Every job type this build runs, each a use-case with its services provided once, here. */
export const JobHandlersLive = Layer.effect(
  JobHandlers,
  Effect.gen(function*() {
    const context = yield* Effect.context<FileStore | MemoryRepository | VectorIndex | UnitOfWork | Ids | Embedder | ContentHash>()
    return JobHandlers.of({
      [IMPORT_JOB]: (run) => Effect.provide(runImport(run), context),
      [EXPORT_JOB]: (run) => Effect.provide(runExport(run), context),
      [REINDEX_JOB]: (run) => Effect.provide(runReindex(run), context),
      [DEDUPLICATE_JOB]: (run) => Effect.provide(runDeduplicate(run), context)
    })
  })
)

export const workerId = () => `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`

/** Workers in this process, for as long as the layer lives (interrupted on shutdown: leases then lapse). */
export const WorkersLive = (config: AppConfig) =>
  Layer.effectDiscard(
    Effect.gen(function*() {
      const id = workerId()
      yield* Effect.logInfo("workers started").pipe(Effect.annotateLogs({ worker: id, concurrency: config.jobs.workerConcurrency }))
      yield* Effect.forkScoped(
        runWorkers({ workerId: id, concurrency: config.jobs.workerConcurrency, pollInterval: config.jobs.pollInterval, lease: config.jobs.lease })
      )
    })
  ).pipe(Layer.provide(JobHandlersLive))

/** Whether the API process runs workers too: by default on the embedded profile only. */
export const workerInApi = (config: AppConfig) => Option.getOrElse(config.jobs.inApi, () => Option.isNone(config.databaseUrl))

/** At startup: vectors of another embedding model are re-embedded by a system job (queued once). */
export const ReindexOnModelChange = Layer.effectDiscard(Effect.asVoid(reindexIfModelChanged).pipe(Effect.orDie))
