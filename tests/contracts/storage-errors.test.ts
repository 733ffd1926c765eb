import { expect, it, layer } from "@effect/vitest"
import { SqlClient } from "effect/sql"
import { Cause, Effect, Exit, Redacted } from "effect"
import { PgliteClient, PgServerClient } from "../../adapters/sql/clients.js"
import { isUniqueViolation, orStorageFailure } from "../../adapters/sql/storage-errors.js"

const failureOf = <A>(effect: Effect.Effect<A, unknown, SqlClient.SqlClient>) =>
  Effect.flatMap(Effect.exit(effect), (exit) => Exit.isFailure(exit) ? Effect.succeed(exit.cause) : Effect.die("expected a failure"))

layer(PgliteClient("memory://"), { timeout: "60 seconds" })("SQL failures as the ports see them", (it) => {
  it.effect("a unique violation is told by its reason, and is a defect where nobody expects it", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE errs_parent (id int PRIMARY KEY)`
      yield* sql`CREATE TABLE errs_child (parent int REFERENCES errs_parent (id))`
      yield* sql`INSERT INTO errs_parent VALUES (1)`
      const duplicate = yield* Effect.flip(sql`INSERT INTO errs_parent VALUES (1)`)
      expect(duplicate.reason._tag).toBe("UniqueViolation")
      expect(isUniqueViolation(duplicate)).toBe(true)
      const cause = yield* failureOf(orStorageFailure(sql`INSERT INTO errs_parent VALUES (1)`))
      expect(Cause.hasDies(cause)).toBe(true)
      expect(Cause.hasFails(cause)).toBe(false)
    }))

  it.effect("a foreign key violation and a syntax error are defects, not StorageUnavailable", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const orphan = yield* Effect.flip(sql`INSERT INTO errs_child VALUES (42)`)
      expect(orphan.reason._tag).toBe("ConstraintError")
      expect(isUniqueViolation(orphan)).toBe(false)
      for (const query of [sql`INSERT INTO errs_child VALUES (42)`, sql`SELEC 1`]) {
        const cause = yield* failureOf(orStorageFailure(query))
        expect(Cause.hasDies(cause)).toBe(true)
        expect(Cause.hasFails(cause)).toBe(false)
      }
    }))
})

it.effect("a database that cannot be reached is StorageUnavailable (503), not a defect", () =>
  Effect.gen(function*() {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const refused = PgServerClient({ url: Redacted.make("postgresql://postgres@127.0.0.1:1/none"), poolSize: 1 })
    const error = yield* Effect.flip(
      Effect.flatMap(SqlClient.SqlClient, (sql) => orStorageFailure(sql`SELECT 1`)).pipe(
        Effect.provide(refused),
        Effect.catchTag("SqlError", (error) => orStorageFailure(Effect.fail(error)))
      )
    )
    expect(error._tag).toBe("StorageUnavailable")
  }), 30_000)
