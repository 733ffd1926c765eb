import { randomBytes } from "node:crypto"
import { inject } from "vitest"
import { PgClient } from "@effect/sql-pg"
import { SqlClient, SqlSchema } from "effect/sql"
import { Effect, Layer, Redacted, Schema } from "effect"
import { PgliteClient, PgServerClient } from "../../adapters/sql/clients.js"
import { MIGRATIONS_TABLE, MigrationsLive } from "../../adapters/sql/migrator.js"

/**
 * An in-memory PGlite that starts from the run's migrated dump (tests/support/pglite-template.ts):
 * a data directory for `PgliteClient` or `BRAINOPS_DATA_DIR`.
 */
export const migratedMemoryDataDir = () => `memory://${inject("pgliteTemplate")}`

/** PGlite in memory with every migration applied (MigrationsLive still runs: it finds none pending). */
export const PgliteTestDatabase = Layer.suspend(() => MigrationsLive.pipe(Layer.provideMerge(PgliteClient(migratedMemoryDataDir()))))

export const testDatabaseUrl = (): string | undefined => process.env.TEST_DATABASE_URL || undefined

const withDatabase = (url: string, database: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/**
 * The URL of a database of its own on the PostgreSQL server at adminUrl, created now and dropped when
 * the scope closes, so runs never see each other's rows.
 */
export const freshPostgresDatabase = (adminUrl: string) =>
  Effect.gen(function*() {
    const name = `brainops_test_${Date.now()}_${randomBytes(4).toString("hex")}`
    // One short-lived connection to the server's admin database per statement: CREATE and DROP
    // DATABASE must run outside any transaction, and the drop must not find this client connected.
    const admin = (statement: (sql: SqlClient.SqlClient) => Effect.Effect<unknown, unknown>) =>
      Effect.flatMap(SqlClient.SqlClient, statement).pipe(
        Effect.provide(PgClient.layer({ url: Redacted.make(adminUrl), maxConnections: 1 })),
        Effect.orDie,
        Effect.asVoid
      )
    yield* Effect.acquireRelease(
      admin((sql) => sql`CREATE DATABASE ${sql(name)}`),
      () => admin((sql) => sql`DROP DATABASE IF EXISTS ${sql(name)} WITH (FORCE)`)
    )
    return withDatabase(adminUrl, name)
  })

/** The SQL client on a fresh database of the PostgreSQL server at TEST_DATABASE_URL, migrated. */
export const PostgresTestDatabase = (adminUrl: string) =>
  Layer.unwrap(
    Effect.map(freshPostgresDatabase(adminUrl), (url) =>
      MigrationsLive.pipe(Layer.provideMerge(PgServerClient({ url: Redacted.make(url), poolSize: 4 }))))
  )

const TableRow = Schema.Struct({ tablename: Schema.String })

/** Empties every application table (not the migrations table): for suites that need a blank slate. */
export const truncateAll = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* SqlSchema.findAll({
    Request: Schema.Void,
    Result: TableRow,
    execute: () => sql`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> ${MIGRATIONS_TABLE}`
  })(undefined)
  if (tables.length > 0) {
    yield* sql`TRUNCATE ${sql.csv(tables.map((t) => sql`${sql(t.tablename)}`))} CASCADE`
  }
})
