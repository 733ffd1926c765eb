import { Console, Effect, Layer, Result } from "effect"
import { type CliCommand, parseCommand, USAGE } from "../adapters/cli/commands.js"
import type { AppConfig } from "./config.js"
import { DatabaseLive } from "./database.js"
import { runEntry } from "./runtime.js"
import { resolveSecrets } from "./secrets.js"

// The services of the whole application (every adapter's SDK, the embedding model) are loaded only
// by the commands that use them, so `migrate`, and a CLI refused by a data folder in use, answer at once.
const load = <A>(modules: () => Promise<A>) => Effect.promise(modules)

const run = (command: CliCommand, config: AppConfig) =>
  Effect.gen(function*() {
    switch (command._tag) {
      case "Help":
        return yield* Console.log(USAGE)
      case "Migrate":
        // Building the database layer applies every pending migration.
        return yield* Effect.scoped(Layer.build(DatabaseLive(config))).pipe(
          Effect.andThen(Console.log("migrations are up to date"))
        )
      case "Import":
      case "Export": {
        const secrets = yield* resolveSecrets(config)
        const [{ AppServicesLive }, { WorkersLive }, { transfer }] = yield* load(() =>
          Promise.all([import("./layers.js"), import("./jobs.js"), import("../adapters/cli/transfer.js")])
        )
        return yield* transfer(command).pipe(
          // The CLI runs workers itself, so the job is done even when no server or worker is running.
          Effect.provide(WorkersLive(config).pipe(Layer.provideMerge(AppServicesLive(config, secrets))))
        )
      }
      case "CreateAdmin": {
        const secrets = yield* resolveSecrets(config)
        const [{ AppServicesLive }, { ensureAdmin }] = yield* load(() =>
          Promise.all([import("./layers.js"), import("../application/identity/ensure-admin.js")])
        )
        const outcome = yield* ensureAdmin(command).pipe(
          Effect.provide(AppServicesLive(config, secrets)),
          Effect.catchTag("WeakPassword", (e) => Effect.fail(`--password is not accepted: ${e.reason}`)),
          Effect.catchTag("EmailAlreadyRegistered", () => Effect.fail("that email was registered at the same moment; run again"))
        )
        return yield* Console.log(`admin ${command.email}: ${outcome}`)
      }
    }
  }).pipe(
    // A refusal the operator can act on (no such user, a weak password): its sentence and exit code 1.
    Effect.catchIf((e): e is string => typeof e === "string", (message) =>
      Console.error(message).pipe(Effect.andThen(Effect.sync(() => void (process.exitCode = 1)))))
  )

// Bad arguments are answered before anything is configured or opened: the usage and exit code 2.
const parsed = parseCommand(process.argv.slice(2))
if (Result.isFailure(parsed)) {
  process.stderr.write(`${parsed.failure}\n\n${USAGE}\n`)
  process.exitCode = 2
} else {
  runEntry((config) => run(parsed.success, config))
}
