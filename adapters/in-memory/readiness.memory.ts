import { Effect, Layer } from "effect"
import { Readiness } from "../../application/ports/readiness.js"

/** For tests only: nothing to reach, nothing to migrate. */
export const ReadinessMemory = Layer.succeed(Readiness, Readiness.of({
  check: Effect.succeed({ database: true, migrations: { applied: 0, expected: 0 } })
}))
