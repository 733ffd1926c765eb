// A database of its own for a benchmark run on a PostgreSQL server, dropped at the end.
import { randomBytes } from "node:crypto"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import { SqlClient } from "effect/sql"

/** One statement through a connection of its own (CREATE/DROP DATABASE cannot share a transaction). */
const admin = (connection: string, statement: string) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe(statement)
    }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(connection), maxConnections: 1 })))
  )

/** Creates `brainops_bench_<random>` through adminUrl (a connection that may CREATE DATABASE). */
export const createBenchDatabase = async (adminUrl: string) => {
  const name = `brainops_bench_${randomBytes(4).toString("hex")}`
  await admin(adminUrl, `CREATE DATABASE "${name}"`)
  // BENCH_PG_LOG_STATEMENTS=1: the server logs every statement run in this database (and only in it),
  // to count the statements of a request from the server's log.
  if (process.env["BENCH_PG_LOG_STATEMENTS"] === "1") {
    await admin(adminUrl, `ALTER DATABASE "${name}" SET log_statement = 'all'`)
    process.stderr.write(`bench database ${name}: every statement is logged\n`)
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return { name, url: url.toString(), drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) }
}

/** The server profile's settings for a benchmark server on that database (fresh secrets each run). */
export const serverProfileEnv = (databaseUrl: string) => ({
  DATABASE_URL: databaseUrl,
  JWT_SECRET: randomBytes(32).toString("hex"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64")
})
