import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { MigrationError } from "effect/sql/Migrator"
import { isSqlError } from "effect/sql/SqlError"
import { Cause, Config, Duration, Effect, Exit, Layer, Logger, Option, References, type Runtime } from "effect"
import { AppConfig, describeConfigError } from "./config.js"

/** JSON log lines on stdout, at the configured level. */
export const loggingLayer = (config: AppConfig) =>
  Layer.merge(Logger.layer([Logger.consoleJson]), Layer.succeed(References.MinimumLogLevel, config.logLevel))

/**
 * A problem that stops startup (a bad setting, a data folder in use, a database that refuses us)
 * is told as a plain message naming it, not a stack trace.
 */
const startupProblem = (error: unknown): string | undefined => {
  if (error instanceof Config.ConfigError) return `invalid configuration.\n${describeConfigError(error)}`
  return isSqlError(error) || error instanceof MigrationError ? withCauses(error) : undefined
}

/** "Migration 1 failed: Query failed: relation x does not exist": each cause that says something new. */
const withCauses = (error: Error) => {
  let message = error.message
  for (let cause = error.cause; cause instanceof Error; cause = cause.cause) {
    if (!message.includes(cause.message)) message += `: ${cause.message}`
  }
  return message
}

const reportFailure = <E>(cause: Cause.Cause<E>) => {
  if (Cause.hasInterruptsOnly(cause)) return Effect.void
  const problem = Option.flatMapNullishOr(Cause.findErrorOption(cause), startupProblem)
  return Option.isSome(problem)
    ? Effect.sync(() => void process.stderr.write(`BrainOps cannot start: ${problem.value}\n`))
    : Effect.logError("stopped by an unexpected failure", cause)
}

/**
 * Interruption is how runMain answers SIGINT/SIGTERM; a program that then stopped in order has
 * succeeded (exit 0). Any other failure exits 1.
 */
const teardown: Runtime.Teardown = (exit, onExit) =>
  onExit(Exit.isSuccess(exit) || Cause.hasInterruptsOnly(exit.cause) ? 0 : 1)

/**
 * Runs an entry point on Node: the configuration is read and validated once, logs are JSON lines at
 * LOG_LEVEL, failures are reported once (startup problems as plain text on stderr, others logged
 * with their cause), and SIGINT/SIGTERM interrupt the program so that its layers close in order.
 */
export const runEntry = <A, E>(main: (config: AppConfig) => Effect.Effect<A, E>): void =>
  NodeRuntime.runMain(
    AppConfig.pipe(
      Effect.tapCause(reportFailure),
      Effect.flatMap((config) => main(config).pipe(Effect.tapCause(reportFailure), Effect.provide(loggingLayer(config))))
    ),
    { disableErrorReporting: true, teardown }
  )

/**
 * For the long-running processes: logs the signal that stops them and, past SHUTDOWN_TIMEOUT, exits
 * regardless (code 1), so a stuck connection cannot hold the process forever. The orderly part of
 * the shutdown (stop accepting, let in-flight requests finish, close the pool) is runMain's
 * interruption closing the layers.
 */
export const ShutdownDeadline = (timeout: Duration.Duration) =>
  Layer.effectDiscard(
    Effect.gen(function*() {
      const fork = Effect.runForkWith(yield* Effect.context<never>())
      const onSignal = (signal: NodeJS.Signals) => {
        fork(Effect.logInfo(`${signal}: shutting down`))
        setTimeout(() => {
          process.stderr.write(`BrainOps: still stopping after ${Duration.format(timeout)}; exiting anyway\n`)
          process.exit(1)
        }, Duration.toMillis(timeout)).unref()
      }
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          // Ahead of runMain's own listener, so the signal is logged before anything starts closing.
          process.prependOnceListener("SIGINT", onSignal)
          process.prependOnceListener("SIGTERM", onSignal)
        }),
        () =>
          Effect.sync(() => {
            process.off("SIGINT", onSignal)
            process.off("SIGTERM", onSignal)
          })
      )
    })
  )
