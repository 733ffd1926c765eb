import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Schema } from "effect"
import { LicenseRepository } from "../../application/ports/licenses.js"
import { Activation, ActivationId } from "../../domain/marketplace/license.js"
import { LicenseId } from "../../domain/marketplace/order.js"
import { LicenseRow } from "./order-repository.sql.js"
import { allRows, firstRow, intoClass, OptionalTimestamp, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const ActivationRow = Row({
  id: ActivationId,
  licenseId: LicenseId,
  instanceName: Schema.String,
  createdAt: Timestamp,
  deactivatedAt: OptionalTimestamp
}).pipe(intoClass(Activation))
const activation = firstRow(ActivationRow)
const activations = allRows(ActivationRow)
const license = firstRow(LicenseRow)

export const LicenseRepositorySql = Layer.effect(
  LicenseRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insertActivation = SqlSchema.void({
      Request: ActivationRow,
      execute: (row) => sql`INSERT INTO license_activations ${sql.insert(row)}`
    })
    return LicenseRepository.of({
      findByKey: (key, options) =>
        // FOR UPDATE: concurrent activations of one license wait here until the first one commits.
        license(sql`SELECT * FROM licenses WHERE key = ${key} ${sql.literal(options?.forUpdate === true ? "FOR UPDATE" : "")}`).pipe(
          orStorageFailure
        ),
      activeActivations: (licenseIds) =>
        licenseIds.length === 0
          ? Effect.succeed([])
          : activations(
            sql`SELECT * FROM license_activations WHERE ${sql.in("license_id", licenseIds)} AND deactivated_at IS NULL ORDER BY created_at, id`
          ).pipe(orStorageFailure),
      findActivation: (licenseId, id) =>
        activation(sql`SELECT * FROM license_activations WHERE id = ${id} AND license_id = ${licenseId}`).pipe(orStorageFailure),
      insertActivation: (a) => insertActivation(a).pipe(orStorageFailure),
      deactivate: (id, at) =>
        sql`UPDATE license_activations SET deactivated_at = ${DateTime.toDateUtc(at)} WHERE id = ${id} AND deactivated_at IS NULL`.pipe(
          Effect.asVoid,
          orStorageFailure
        )
    })
  })
)
