import { Effect, Layer, Option } from "effect"
import { runEntry, ShutdownDeadline } from "./runtime.js"
import { resolveSecrets } from "./secrets.js"

// `npm start`: the API (and, on the embedded profile, the workers) until SIGINT/SIGTERM. The
// application's modules (every adapter's SDK) load once the configuration is known to be good, so a
// bad setting is refused at once. The database and the embedding model, the slow parts of a start,
// are opened while the rest of those modules load: `foundations` starts building them at once, and
// the server, once loaded, shares those very layers (memoised by identity) instead of opening its own.
runEntry((config) =>
  Effect.gen(function*() {
    const secrets = yield* resolveSecrets(config)
    yield* Effect.logInfo("starting BrainOps").pipe(
      Effect.annotateLogs({ profile: Option.isSome(config.databaseUrl) ? "server" : "embedded" })
    )
    const { foundationsOf } = yield* Effect.promise(() => import("./foundations.js"))
    const foundations = foundationsOf(config)
    const server = Layer.unwrap(
      Effect.promise(() => import("./app.js")).pipe(
        Effect.tap(() => Effect.logDebug("application modules loaded")),
        Effect.map(({ ServerLive }) => ServerLive(config, secrets, foundations))
      )
    )
    return yield* Layer.launch(
      Layer.mergeAll(foundations.database, foundations.embedder, server, ShutdownDeadline(config.shutdownTimeout))
    )
  })
)
