import { SqlClient } from "effect/sql"
import { isSqlError } from "effect/sql/SqlError"
import { Effect, Layer } from "effect"
import type { StorageUnavailable } from "../../application/ports/errors.js"
import { UnitOfWork } from "../../application/ports/unit-of-work.js"
import { storageFailure } from "./storage-errors.js"

export const UnitOfWorkSql = Layer.effect(
  UnitOfWork,
  Effect.map(SqlClient.SqlClient, (sql) =>
    UnitOfWork.of({
      // BEGIN and COMMIT fail with a SqlError of their own: the use-case's errors pass as they are.
      transaction: <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageUnavailable, R> =>
        sql.withTransaction(effect).pipe(
          Effect.catch((error): Effect.Effect<never, E | StorageUnavailable> =>
            isSqlError(error) ? storageFailure(error) : Effect.fail(error as E)
          )
        )
    }))
)
