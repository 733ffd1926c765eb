import { HttpApiBuilder } from "effect/http-api"
import { Effect } from "effect"
import { Readiness } from "../../../application/ports/readiness.js"
import { BrainOpsApi } from "../api.js"
import { ServiceUnavailable } from "../errors.js"
import { capturingOnly } from "../captured-context.js"

const SystemGroup = HttpApiBuilder.group(BrainOpsApi, "system", (handlers) =>
  handlers
    .handle("health", () => Effect.succeed({ status: "ok" as const }))
    .handle("ready", () =>
      Effect.gen(function*() {
        const report = yield* (yield* Readiness).check.pipe(
          Effect.mapError(() => new ServiceUnavailable({ detail: "The database is unreachable" }))
        )
        const { applied, expected } = report.migrations
        if (applied < expected) {
          return yield* Effect.fail(
            new ServiceUnavailable({ detail: `Migrations pending: ${applied} of ${expected} applied` })
          )
        }
        return { status: "ready" as const, database: "ok" as const, migrations: report.migrations }
      })))

export const SystemHandlers = capturingOnly(SystemGroup, Readiness)
