import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { SqlClient, SqlSchema } from "effect/sql"
import * as Migrator from "effect/sql/Migrator"
import { Effect, Layer, Schema } from "effect"
import { Readiness } from "../../application/ports/readiness.js"
import { splitStatements } from "./sql-statements.js"
import { orStorageFailure } from "./storage-errors.js"

export const MIGRATIONS_TABLE = "brainops_migrations"
const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url))
const FILE_PATTERN = /^(\d+)_([\w-]+)\.sql$/

/** The plain SQL files of a folder, as `NNNN_name.sql`; the same files serve PGlite and PostgreSQL. */
export const migrationFiles = (
  folder: string = MIGRATIONS_DIR
): ReadonlyArray<{ readonly id: number; readonly name: string; readonly file: string }> =>
  fs.readdirSync(folder)
    .flatMap((file) => {
      const match = FILE_PATTERN.exec(file)
      return match ? [{ id: Number(match[1]), name: match[2]!, file: path.join(folder, file) }] : []
    })
    .sort((a, b) => a.id - b.id)

/** A migration file as one effect that runs its statements one by one (sql-pg takes one at a time). */
const loaderOf = (folder: string): Migrator.Loader =>
  Effect.try({
    try: () =>
      migrationFiles(folder).map(({ file, id, name }) =>
        [
          id,
          name,
          Effect.sync(() =>
            Effect.flatMap(SqlClient.SqlClient, (sql) =>
              Effect.forEach(splitStatements(fs.readFileSync(file, "utf8")), (statement) => sql.unsafe(statement), {
                discard: true
              }))
          )
        ] as const
      ),
    catch: (cause) => new Migrator.MigrationError({ kind: "ImportError", message: `cannot read ${folder}`, cause })
  })

/**
 * Applies every pending migration of `folder`; answers the ones it applied. Effect's Migrator runs
 * the whole pending batch in one transaction, which also holds the rows it adds to the migrations
 * table and a lock on that table: a migration that fails (or a process that dies) halfway leaves
 * neither its statements nor its row behind, and the next run applies it from the start; two
 * processes starting together apply each migration once.
 */
export const runMigrationsIn = (folder: string) =>
  Migrator.make({})({ loader: loaderOf(folder), table: MIGRATIONS_TABLE })

export const runMigrations = runMigrationsIn(MIGRATIONS_DIR)

export const MigrationsLive = Layer.effectDiscard(
  runMigrations.pipe(
    Effect.tap((applied) =>
      applied.length > 0
        ? Effect.logInfo("migrations applied").pipe(Effect.annotateLogs("migrations", applied.map(([id, name]) => `${id}_${name}`).join(",")))
        : Effect.void
    )
  )
)

const LatestRow = Schema.Struct({ latest: Schema.Int })

export const ReadinessSql = Layer.effect(
  Readiness,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const expected = migrationFiles().at(-1)?.id ?? 0
    const latest = SqlSchema.findOne({
      Request: Schema.Void,
      Result: LatestRow,
      execute: () => sql`SELECT coalesce(max(migration_id), 0) AS latest FROM ${sql(MIGRATIONS_TABLE)}`
    })
    return Readiness.of({
      check: Effect.gen(function*() {
        // No migrations table yet is "none applied"; whether the database answers at all is the next query's to say.
        const applied = yield* latest(undefined).pipe(Effect.map((row) => row.latest), Effect.catch(() => Effect.succeed(0)))
        yield* sql`SELECT 1`.pipe(orStorageFailure)
        return { database: true, migrations: { applied, expected } }
      })
    })
  })
)
