import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { SqlClient } from "@effect/sql"
import * as Migrator from "@effect/sql/Migrator"
import { Effect, Layer, Option } from "effect"
import { Readiness } from "../../application/ports/readiness.js"
import { orStorageFailure } from "./storage-errors.js"

export const MIGRATIONS_TABLE = "brainops_migrations"
const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url))
const FILE_PATTERN = /^(\d+)_([\w-]+)\.sql$/

/** The plain SQL files under migrations/, as `NNNN_name.sql`; the same files serve PGlite and PostgreSQL. */
export const migrationFiles = (): ReadonlyArray<{ readonly id: number; readonly name: string; readonly file: string }> =>
  fs.readdirSync(MIGRATIONS_DIR)
    .flatMap((file) => {
      const match = FILE_PATTERN.exec(file)
      return match ? [{ id: Number(match[1]), name: match[2]!, file: path.join(MIGRATIONS_DIR, file) }] : []
    })
    .sort((a, b) => a.id - b.id)

const loader: Migrator.Loader = Effect.try({
  try: () =>
    migrationFiles().map(({ file, id, name }) =>
      [
        id,
        name,
        Effect.succeed(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(fs.readFileSync(file, "utf8"))))
      ] as const
    ),
  catch: (cause) => new Migrator.MigrationError({ reason: "import-error", message: `cannot read ${MIGRATIONS_DIR}`, cause })
})

/** Applies every pending migration in one transaction; answers the ones it applied. */
export const runMigrations = Migrator.make({})({ loader, table: MIGRATIONS_TABLE })

export const MigrationsLive = Layer.effectDiscard(
  runMigrations.pipe(
    Effect.tap((applied) =>
      applied.length > 0
        ? Effect.logInfo("migrations applied").pipe(Effect.annotateLogs("migrations", applied.map(([id, name]) => `${id}_${name}`).join(",")))
        : Effect.void
    )
  )
)

export const ReadinessSql = Layer.effect(
  Readiness,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const expected = migrationFiles().at(-1)?.id ?? 0
    return {
      check: Effect.gen(function*() {
        const rows = yield* sql<{ latest: number | null }>`
          SELECT max(migration_id) AS latest FROM ${sql(MIGRATIONS_TABLE)}`.pipe(
          Effect.catchAll(() => Effect.succeed([] as ReadonlyArray<{ latest: number | null }>)),
          orStorageFailure
        )
        yield* sql`SELECT 1`.pipe(orStorageFailure)
        const applied = Option.fromNullable(rows[0]?.latest).pipe(Option.map(Number), Option.getOrElse(() => 0))
        return { database: true, migrations: { applied, expected } }
      })
    }
  })
)
