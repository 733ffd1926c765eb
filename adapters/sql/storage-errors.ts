import type { SqlError } from "effect/sql/SqlError"
import { Effect, type Schema } from "effect"
import { StorageUnavailable } from "../../application/ports/errors.js"

export const isUniqueViolation = (error: SqlError): boolean => error.reason._tag === "UniqueViolation"

/**
 * Connection-level failures are transient and become StorageUnavailable (503): a lost or refused
 * connection (ConnectionError, which sql-pg also gives SQLSTATE class 08), and any failure to open
 * one (the server is starting up, shutting down or out of connection slots). Anything else is a bug
 * in a query or a broken invariant (a constraint, a syntax error, a failed decode), and must surface
 * as a defect (500, logged with its cause).
 */
const isTransient = (error: SqlError): boolean =>
  error.reason._tag === "ConnectionError" ||
  (error.reason.operation === "connect" && error.reason._tag !== "AuthenticationError")

export const storageFailure = (error: SqlError): Effect.Effect<never, StorageUnavailable> =>
  isTransient(error)
    // The caller sees a bare 503; the operator needs to know why.
    ? Effect.logWarning("database unavailable", error).pipe(
      Effect.andThen(Effect.fail(new StorageUnavailable({ message: "the database is unavailable" })))
    )
    : Effect.die(error)

/** Maps what a repository query can fail with onto the port's error channel. */
export const orStorageFailure = <A, R>(
  effect: Effect.Effect<A, SqlError | Schema.SchemaError, R>
): Effect.Effect<A, StorageUnavailable, R> =>
  Effect.catch(effect, (error) => error._tag === "SqlError" ? storageFailure(error) : Effect.die(error))

/** orStorageFailure, but a unique violation is the caller's conflict, answered with its own error. */
export const orConflictOnUnique = <E2>(conflict: () => E2) =>
<A, R>(effect: Effect.Effect<A, SqlError | Schema.SchemaError, R>): Effect.Effect<A, E2 | StorageUnavailable, R> =>
  Effect.catch(effect, (error): Effect.Effect<never, E2 | StorageUnavailable> =>
    error._tag === "SqlError" && isUniqueViolation(error) ? Effect.fail(conflict()) : orStorageFailure(Effect.fail(error)))
