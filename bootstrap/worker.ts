import { Effect, Layer, Option } from "effect"
import { runEntry, ShutdownDeadline } from "./runtime.js"
import { resolveSecrets } from "./secrets.js"

/**
 * `npm run worker`: job workers only (WORKER_CONCURRENCY of them), no HTTP. Run as many such
 * processes as needed against one PostgreSQL; the queue's leases keep any job to one worker at a
 * time. On SIGTERM the workers are interrupted and their jobs' leases lapse, so others take them over.
 * The application's modules load once the configuration is known to be good.
 */
runEntry((config) =>
  Effect.gen(function*() {
    const secrets = yield* resolveSecrets(config)
    const [{ AppServicesLive }, { ReindexOnModelChange, WorkersLive }] = yield* Effect.promise(() =>
      Promise.all([import("./layers.js"), import("./jobs.js")])
    )
    yield* Effect.logInfo("starting BrainOps worker").pipe(
      Effect.annotateLogs({ profile: Option.isSome(config.databaseUrl) ? "server" : "embedded" })
    )
    return yield* Layer.launch(
      Layer.mergeAll(WorkersLive(config), ReindexOnModelChange, ShutdownDeadline(config.shutdownTimeout)).pipe(
        Layer.provide(AppServicesLive(config, secrets))
      )
    )
  })
)
