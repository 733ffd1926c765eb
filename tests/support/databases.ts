import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Redacted } from "effect"
import pg from "pg"
import { PgliteClient, PgServerClient } from "../../adapters/sql/clients.js"
import { MigrationsLive } from "../../adapters/sql/migrator.js"

/** PGlite in memory with every migration applied: one per test file, since each takes seconds to start. */
export const PgliteTestDatabase = MigrationsLive.pipe(Layer.provideMerge(PgliteClient("memory://")))

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
    const admin = (sql: string) =>
      Effect.promise(async () => {
        const client = new pg.Client({ connectionString: adminUrl })
        await client.connect()
        try {
          await client.query(sql)
        } finally {
          await client.end()
        }
      })
    yield* Effect.acquireRelease(
      admin(`CREATE DATABASE "${name}"`),
      () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    )
    return withDatabase(adminUrl, name)
  })

/** The SQL client on a fresh database of the PostgreSQL server at TEST_DATABASE_URL, migrated. */
export const PostgresTestDatabase = (adminUrl: string) =>
  Layer.unwrapScoped(
    Effect.map(freshPostgresDatabase(adminUrl), (url) =>
      MigrationsLive.pipe(Layer.provideMerge(PgServerClient({ url: Redacted.make(url), poolSize: 4 }))))
  )

/** Empties every application table (not the migrations table): for suites that need a blank slate. */
export const truncateAll = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'brainops_migrations'`
  if (tables.length > 0) {
    yield* sql.unsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} CASCADE`)
  }
})
