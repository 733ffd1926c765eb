import { PGlite } from "@electric-sql/pglite"
import { createPgConfig } from "@electric-sql/pglite/node-postgres"
import { vector } from "@electric-sql/pglite-pgvector"
import { PgClient } from "@effect/sql-pg"
import { SqlError } from "@effect/sql/SqlError"
import { SqlClient } from "@effect/sql"
import { Effect, Layer, type Redacted, Schedule } from "effect"
import pg from "pg"
import { lockDataDir } from "./data-dir-lock.js"

/** The server profile: PostgreSQL through a node-postgres pool. */
export const PgServerClient = (options: { readonly url: Redacted.Redacted<string>; readonly poolSize: number }) =>
  PgClient.layer({ url: options.url, maxConnections: options.poolSize, applicationName: "brainops" })

const sqlError = (message: string) => (cause: unknown) => new SqlError({ cause, message })

/**
 * The embedded profile: PGlite (PostgreSQL in WASM) with pgvector, reached through the same PgClient
 * as the server profile via PGlite's node-postgres adapter (a pool of one connection). `memory://`
 * keeps everything in memory (tests); any other value is a folder, locked for this process.
 */
export const PgliteClient = (dataDir: string) =>
  PlannerStatistics.pipe(Layer.provideMerge(PgliteConnection(dataDir)))

/**
 * PGlite runs PostgreSQL in single-user mode, without the autovacuum daemon that keeps the planner's
 * statistics fresh on a server. Without them the planner guesses (a full-text search that matches
 * nothing scanned the whole products table), so the embedded profile runs ANALYZE itself: a minute
 * after startup, then hourly.
 */
const PlannerStatistics = Layer.scopedDiscard(
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const analyze = sql`ANALYZE`.pipe(
      Effect.tap(() => Effect.logDebug("planner statistics refreshed")),
      Effect.catchAllCause((cause) => Effect.logWarning("ANALYZE failed", cause))
    )
    yield* Effect.forkScoped(analyze.pipe(Effect.delay("1 minute"), Effect.repeat(Schedule.spaced("1 hour"))))
  })
)

const PgliteConnection = (dataDir: string) =>
  PgClient.layerFromPool({
    applicationName: "brainops",
    acquire: Effect.gen(function*() {
      if (!dataDir.startsWith("memory://")) {
        yield* lockDataDir(dataDir).pipe(Effect.mapError((error) => new SqlError({ cause: error, message: error.message })))
      }
      const pglite = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => PGlite.create(dataDir, { extensions: { vector } }),
          catch: sqlError(`could not open PGlite in ${dataDir}`)
        }),
        (db) => Effect.promise(() => db.close())
      )
      yield* Effect.tryPromise({
        try: () => pglite.exec("CREATE EXTENSION IF NOT EXISTS vector"),
        catch: sqlError("could not load pgvector into PGlite")
      })
      return yield* Effect.acquireRelease(
        Effect.sync(() => new pg.Pool(createPgConfig(pglite))),
        (pool) => Effect.promise(() => pool.end())
      )
    })
  })

export type SqlClientLayer = Layer.Layer<PgClient.PgClient | import("@effect/sql").SqlClient.SqlClient, SqlError>
