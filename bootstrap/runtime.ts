import { Cause, ConfigError, Effect, Layer, Logger } from "effect"
import { AppConfig } from "./config.js"

/** JSON log lines on stdout, at the configured level. */
export const loggingLayer = (config: AppConfig) =>
  Layer.merge(Logger.json, Logger.minimumLogLevel(config.logLevel))

/**
 * A configuration problem ends the process with one plain line naming the variable, not a stack trace.
 */
export const reportConfigErrors = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.tapErrorCause((cause) => {
      const failure = Cause.failureOption(cause)
      if (failure._tag === "Some" && ConfigError.isConfigError(failure.value)) {
        return Effect.sync(() => {
          process.stderr.write(`BrainOps cannot start: invalid configuration.\n${String(failure.value)}\n`)
        })
      }
      return Effect.void
    })
  )

export const loadConfig = AppConfig
