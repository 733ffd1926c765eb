import { Effect, Layer, Option } from "effect"
import { runEntry, ShutdownDeadline } from "./runtime.js"
import { resolveSecrets } from "./secrets.js"

// `npm start`: the API (and, on the embedded profile, the workers) until SIGINT/SIGTERM. The
// application's modules (every adapter's SDK) load once the configuration is known to be good, so a
// bad setting is refused at once.
runEntry((config) =>
  Effect.gen(function*() {
    const secrets = yield* resolveSecrets(config)
    const { ServerLive } = yield* Effect.promise(() => import("./app.js"))
    yield* Effect.logInfo("starting BrainOps").pipe(
      Effect.annotateLogs({ profile: Option.isSome(config.databaseUrl) ? "server" : "embedded" })
    )
    return yield* Layer.launch(Layer.merge(ServerLive(config, secrets), ShutdownDeadline(config.shutdownTimeout)))
  })
)
