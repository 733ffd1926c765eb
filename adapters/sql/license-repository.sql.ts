import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { LicenseRepository } from "../../application/ports/licenses.js"
import { Activation, ActivationId } from "../../domain/marketplace/license.js"
import { LicenseId } from "../../domain/marketplace/order.js"
import { LicenseRow, toLicense } from "./order-repository.sql.js"
import { orStorageFailure } from "./storage-errors.js"

const ActivationRow = Schema.Struct({
  id: Schema.String,
  license_id: Schema.String,
  instance_name: Schema.String,
  created_at: Schema.DateFromSelf,
  deactivated_at: Schema.NullOr(Schema.DateFromSelf)
})
const decodeActivations = Schema.decodeUnknown(Schema.Array(ActivationRow))
const toActivation = (r: typeof ActivationRow.Type) =>
  new Activation({
    id: ActivationId.make(r.id),
    licenseId: LicenseId.make(r.license_id),
    instanceName: r.instance_name,
    createdAt: DateTime.unsafeFromDate(r.created_at),
    deactivatedAt: Option.map(Option.fromNullable(r.deactivated_at), DateTime.unsafeFromDate)
  })

export const LicenseRepositorySql = Layer.effect(
  LicenseRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      findByKey: (key, options) =>
        // FOR UPDATE: concurrent activations of one license wait here until the first one commits.
        sql`SELECT * FROM licenses WHERE key = ${key} ${sql.literal(options?.forUpdate === true ? "FOR UPDATE" : "")}`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(LicenseRow))),
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toLicense)),
          orStorageFailure
        ),
      activeActivations: (licenseIds) =>
        licenseIds.length === 0
          ? Effect.succeed([])
          : sql`SELECT * FROM license_activations WHERE ${sql.in("license_id", licenseIds)} AND deactivated_at IS NULL ORDER BY created_at, id`.pipe(
            Effect.flatMap(decodeActivations),
            Effect.map((rows) => rows.map(toActivation)),
            orStorageFailure
          ),
      findActivation: (licenseId, id) =>
        sql`SELECT * FROM license_activations WHERE id = ${id} AND license_id = ${licenseId}`.pipe(
          Effect.flatMap(decodeActivations),
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toActivation)),
          orStorageFailure
        ),
      insertActivation: (a) =>
        sql`INSERT INTO license_activations ${
          sql.insert({
            id: a.id,
            license_id: a.licenseId,
            instance_name: a.instanceName,
            created_at: DateTime.toDateUtc(a.createdAt),
            deactivated_at: Option.getOrNull(Option.map(a.deactivatedAt, DateTime.toDateUtc))
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      deactivate: (id, at) =>
        sql`UPDATE license_activations SET deactivated_at = ${DateTime.toDateUtc(at)} WHERE id = ${id} AND deactivated_at IS NULL`.pipe(
          Effect.asVoid,
          orStorageFailure
        )
    }
  })
)
