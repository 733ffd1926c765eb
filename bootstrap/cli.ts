import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Either, Layer } from "effect"
import { ensureAdmin } from "../application/identity/ensure-admin.js"
import { parseCommand, USAGE } from "../adapters/cli/commands.js"
import { AppConfig } from "./config.js"
import { AppServicesLive, DatabaseLive } from "./layers.js"
import { loggingLayer, reportStartupErrors } from "./runtime.js"
import { resolveSecrets } from "./secrets.js"

const main = Effect.gen(function*() {
  const parsed = parseCommand(process.argv.slice(2))
  if (Either.isLeft(parsed)) {
    yield* Console.error(`${parsed.left}\n\n${USAGE}`)
    return yield* Effect.sync(() => process.exit(2))
  }
  const config = yield* AppConfig
  const command = parsed.right
  const run = Effect.gen(function*() {
    switch (command._tag) {
      case "Help":
        return yield* Console.log(USAGE)
      case "Migrate":
        // Building the database layer applies every pending migration.
        return yield* Effect.scoped(Layer.build(DatabaseLive(config))).pipe(
          Effect.zipRight(Console.log("migrations are up to date"))
        )
      case "CreateAdmin": {
        const secrets = yield* resolveSecrets(config)
        const outcome = yield* ensureAdmin(command).pipe(
          Effect.provide(AppServicesLive(config, secrets)),
          Effect.catchTag("WeakPassword", (e) => Effect.fail(`--password is not accepted: ${e.reason}`)),
          Effect.catchTag("EmailAlreadyRegistered", () => Effect.fail("that email was registered at the same moment; run again"))
        )
        return yield* Console.log(`admin ${command.email}: ${outcome}`)
      }
    }
  })
  return yield* run.pipe(Effect.provide(loggingLayer(config)))
})

NodeRuntime.runMain(
  reportStartupErrors(main).pipe(
    Effect.catchIf((e): e is string => typeof e === "string", (message) =>
      Console.error(message).pipe(Effect.zipRight(Effect.sync(() => process.exit(1)))))
  ),
  { disablePrettyLogger: true }
)
