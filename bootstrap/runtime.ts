import { SqlError } from "@effect/sql/SqlError"
import { Cause, ConfigError, Effect, Layer, Logger } from "effect"
import type { AppConfig } from "./config.js"

/** JSON log lines on stdout, at the configured level. */
export const loggingLayer = (config: AppConfig) =>
  Layer.merge(Logger.json, Logger.minimumLogLevel(config.logLevel))

/**
 * A problem that stops startup (a bad setting, a data folder in use, a database that refuses us)
 * ends the process with a plain message naming it, not a stack trace.
 */
export const reportStartupErrors = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.tapErrorCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (failure._tag === "None") return Effect.void
      const error = failure.value
      const message = ConfigError.isConfigError(error)
        ? `invalid configuration.\n${String(error)}`
        : error instanceof SqlError
        ? `${error.message}${error.cause instanceof Error && error.cause.message !== error.message ? `: ${error.cause.message}` : ""}`
        : undefined
      if (message === undefined) return Effect.void
      return Effect.sync(() => {
        process.stderr.write(`BrainOps cannot start: ${message}\n`)
        process.exit(1)
      })
    })
  )

