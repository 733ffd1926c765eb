import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import type { ParseError } from "effect/ParseResult"
import { StorageUnavailable } from "../../application/ports/errors.js"

interface PgLikeError {
  readonly code?: unknown
  readonly message?: unknown
}

const causeOf = (error: SqlError): PgLikeError =>
  typeof error.cause === "object" && error.cause !== null ? (error.cause as PgLikeError) : {}

/** The SQLSTATE (or Node errno) behind a failed query, when there is one. */
export const sqlStateOf = (error: SqlError): string | undefined => {
  const code = causeOf(error).code
  return typeof code === "string" ? code : undefined
}

export const isUniqueViolation = (error: SqlError): boolean => sqlStateOf(error) === "23505"

const TRANSIENT_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"])

/**
 * Connection-level failures (class 08, admin shutdown 57P, too many connections 53, socket errors,
 * pool timeouts) are transient and become StorageUnavailable (503). Anything else is a bug in a query
 * or a broken invariant, and must surface as a defect (500, logged with its cause).
 */
export const isTransient = (error: SqlError): boolean => {
  const code = sqlStateOf(error)
  if (code !== undefined) {
    return code.startsWith("08") || code.startsWith("57P") || code.startsWith("53") || TRANSIENT_ERRNO.has(code)
  }
  const message = String(causeOf(error).message ?? error.message)
  return /connection terminated|timeout exceeded when trying to connect|connection refused|Connection ended/i.test(message)
}

export const storageFailure = (error: SqlError): Effect.Effect<never, StorageUnavailable> =>
  isTransient(error)
    ? Effect.fail(new StorageUnavailable({ message: "the database is unavailable" }))
    : Effect.die(error)

/** Maps what a repository query can fail with onto the port's error channel. */
export const orStorageFailure = <A, R>(
  effect: Effect.Effect<A, SqlError | ParseError, R>
): Effect.Effect<A, StorageUnavailable, R> =>
  Effect.catchAll(effect, (error) => error._tag === "SqlError" ? storageFailure(error) : Effect.die(error))
