import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Layer } from "effect"
import type { StorageUnavailable } from "../../application/ports/errors.js"
import { UnitOfWork } from "../../application/ports/unit-of-work.js"
import { storageFailure } from "./storage-errors.js"

export const UnitOfWorkSql = Layer.effect(
  UnitOfWork,
  Effect.map(SqlClient.SqlClient, (sql) => ({
    transaction: <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageUnavailable, R> =>
      sql.withTransaction(effect).pipe(
        Effect.catchAll((error): Effect.Effect<never, E | StorageUnavailable> =>
          error instanceof SqlError ? storageFailure(error) : Effect.fail(error as E)
        )
      )
  }))
)
