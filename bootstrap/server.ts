import { NodeRuntime } from "@effect/platform-node"
import { Duration, Effect, Layer, Option } from "effect"
import { ServerLive } from "./app.js"
import { AppConfig } from "./config.js"
import { loggingLayer, reportStartupErrors } from "./runtime.js"
import { resolveSecrets } from "./secrets.js"

const main = Effect.gen(function*() {
  const config = yield* AppConfig
  const logging = loggingLayer(config)
  // runMain turns SIGINT/SIGTERM into interruption: the server stops accepting, in-flight requests
  // finish, then the pool closes. Past the timeout the process exits anyway, so a stuck connection
  // cannot hold it forever.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      Effect.runFork(Effect.logInfo(`${signal}: shutting down`).pipe(Effect.provide(logging)))
      setTimeout(() => process.exit(1), Duration.toMillis(config.shutdownTimeout)).unref()
    })
  }
  return yield* Effect.gen(function*() {
    const secrets = yield* resolveSecrets(config)
    yield* Effect.logInfo("starting BrainOps").pipe(
      Effect.annotateLogs({ profile: Option.isSome(config.databaseUrl) ? "server" : "embedded" })
    )
    return yield* Layer.launch(ServerLive(config, secrets))
  }).pipe(Effect.provide(logging))
})

NodeRuntime.runMain(reportStartupErrors(main), { disablePrettyLogger: true })
