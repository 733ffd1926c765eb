import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it as vitestIt, layer, type Vitest } from "@effect/vitest"
import { SqlClient } from "effect/sql"
import { Effect, Layer, Redacted } from "effect"
import { PgliteClient, PgServerClient } from "../../adapters/sql/clients.js"
import { MIGRATIONS_TABLE, runMigrationsIn } from "../../adapters/sql/migrator.js"
import { freshPostgresDatabase, testDatabaseUrl } from "../support/databases.js"
import { scratchDir } from "../support/scratch.js"

const folder = Effect.acquireRelease(
  Effect.sync(() => scratchDir("migrations-")),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)
const write = (dir: string, file: string, text: string) => Effect.sync(() => fs.writeFileSync(path.join(dir, file), text))

const exists = (table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT to_regclass(${table}) IS NOT NULL AS found`).pipe(
    Effect.map((rows) => rows[0]?.["found"] === true)
  )
const recorded = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`SELECT migration_id FROM ${sql(MIGRATIONS_TABLE)} ORDER BY migration_id`).pipe(
    Effect.map((rows) => rows.map((r) => r["migration_id"]))
  )

// Each test starts from a database without migrations: the suites share one database per backend.
const reset = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`DROP TABLE IF EXISTS ${sql(MIGRATIONS_TABLE)}, mig_first, mig_second, mig_block`)

const migrationsContract = (it: Vitest.MethodsNonLive<SqlClient.SqlClient>) => {
  it.effect("a migration that fails in its second statement leaves no trace, and the next run applies it", () =>
    Effect.gen(function*() {
      yield* reset
      const dir = yield* folder
      yield* write(dir, "0001_first.sql", "CREATE TABLE mig_first (id int PRIMARY KEY);\nINSERT INTO mig_first VALUES (1);\n")
      expect(yield* runMigrationsIn(dir)).toEqual([[1, "first"]])

      yield* write(dir, "0002_second.sql", "CREATE TABLE mig_second (id int);\n-- fails: no such table\nINSERT INTO mig_missing VALUES (1);\n")
      const error = yield* Effect.flip(runMigrationsIn(dir))
      expect(error._tag).toBe("MigrationError")
      // Its first statement was rolled back with it, and it is not recorded as applied.
      expect(yield* exists("mig_second")).toBe(false)
      expect(yield* recorded).toEqual([1])

      yield* write(dir, "0002_second.sql", "CREATE TABLE mig_second (id int);\nINSERT INTO mig_second VALUES (2);\n")
      expect(yield* runMigrationsIn(dir)).toEqual([[2, "second"]])
      expect(yield* exists("mig_second")).toBe(true)
      expect(yield* recorded).toEqual([1, 2])
      expect(yield* runMigrationsIn(dir)).toEqual([])
    }))

  it.effect("a DO $$ … $$ block with semicolons inside runs as one statement", () =>
    Effect.gen(function*() {
      yield* reset
      const dir = yield* folder
      yield* write(
        dir,
        "0001_block.sql",
        "-- a comment; with a semicolon\nDO $$\nBEGIN\n  EXECUTE 'CREATE TABLE mig_block (note text)';\n  INSERT INTO mig_block VALUES ('a;b');\nEND\n$$;\n"
      )
      expect(yield* runMigrationsIn(dir)).toEqual([[1, "block"]])
      const sql = yield* SqlClient.SqlClient
      expect(yield* sql`SELECT note FROM mig_block`).toEqual([{ note: "a;b" }])
    }))
}

layer(PgliteClient("memory://"), { timeout: "60 seconds" })("migrations on PGlite", migrationsContract)

const url = testDatabaseUrl()
if (url === undefined) {
  describe("migrations on PostgreSQL", () => {
    vitestIt.skipIf(true)("skipped: TEST_DATABASE_URL is not set", () => {})
  })
} else {
  const PostgresClient = Layer.unwrap(
    Effect.map(freshPostgresDatabase(url), (database) => PgServerClient({ url: Redacted.make(database), poolSize: 2 }))
  )
  layer(PostgresClient, { timeout: "60 seconds" })("migrations on PostgreSQL", migrationsContract)
}
