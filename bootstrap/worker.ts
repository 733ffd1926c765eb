import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Option } from "effect"
import { AppConfig } from "./config.js"
import { ReindexOnModelChange, WorkersLive } from "./jobs.js"
import { AppServicesLive } from "./layers.js"
import { loggingLayer, reportStartupErrors } from "./runtime.js"
import { resolveSecrets } from "./secrets.js"

/**
 * `npm run worker`: job workers only (WORKER_CONCURRENCY of them), no HTTP. Run as many such
 * processes as needed against one PostgreSQL; the queue's leases keep any job to one worker at a
 * time. On SIGTERM the workers are interrupted and their jobs' leases lapse, so others take them over.
 */
const main = Effect.gen(function*() {
  const config = yield* AppConfig
  return yield* Effect.gen(function*() {
    const secrets = yield* resolveSecrets(config)
    yield* Effect.logInfo("starting BrainOps worker").pipe(
      Effect.annotateLogs({ profile: Option.isSome(config.databaseUrl) ? "server" : "embedded" })
    )
    return yield* Layer.launch(Layer.merge(WorkersLive(config), ReindexOnModelChange).pipe(Layer.provide(AppServicesLive(config, secrets))))
  }).pipe(Effect.provide(loggingLayer(config)))
})

NodeRuntime.runMain(reportStartupErrors(main), { disablePrettyLogger: true })
