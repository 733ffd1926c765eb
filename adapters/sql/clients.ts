import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { vector } from "@electric-sql/pglite-pgvector"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "effect/sql"
import { ConnectionError, SqlError } from "effect/sql/SqlError"
import { Effect, Layer, type Redacted, Schedule } from "effect"
import { lockDataDir } from "./data-dir-lock.js"

/** The server profile: PostgreSQL through sql-pg's own pool. */
export const PgServerClient = (options: { readonly url: Redacted.Redacted<string>; readonly poolSize: number }) =>
  PgClient.layer({ url: options.url, maxConnections: options.poolSize, applicationName: "brainops" })

const openFailure = (message: string) => (cause: unknown) =>
  new SqlError({ reason: new ConnectionError({ cause, message, operation: "open" }) })

/**
 * The longest unix socket path the kernel takes (`sun_path` is 108 bytes with its NUL on Linux).
 * A data folder whose socket path is longer is refused at startup rather than served from a
 * second place: the socket lives beside the data it serves, private by the folder's 0700 mode.
 */
export const MAX_SOCKET_PATH_BYTES = 107
const SOCKET_NAME = ".s.PGSQL.5432"
/** The client's connection, its replacement, and room for sql-pg's cancel side connections. */
const SOCKET_CONNECTIONS = 16

export interface PgliteOptions {
  /**
   * A folder for the dump of a freshly initialised database (initdb and pgvector, nothing of ours),
   * named for the PGlite and pgvector versions that made it. A new data folder starts from it,
   * which skips initdb; without it, the first new folder makes it. See `freshDatabaseDump`.
   */
  readonly initdbCache?: string | undefined
}

/**
 * The embedded profile: PGlite (PostgreSQL in WASM) with pgvector, served by pglite-socket on a
 * unix socket inside the data folder and reached through the same PgClient as the server profile,
 * so both profiles run one SQL path. `memory://` keeps the data in memory (tests) and puts the
 * socket in a fresh temporary folder; any other value is a folder, locked for this process.
 */
export const PgliteClient = (dataDir: string, options: PgliteOptions = {}): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError> =>
  PlannerStatistics.pipe(Layer.provideMerge(PgClient.layerFrom(servePglite(dataDir, options))))

/**
 * PGlite runs PostgreSQL in single-user mode, without the autovacuum daemon that keeps the planner's
 * statistics fresh on a server. Without them the planner guesses (a full-text search that matches
 * nothing scanned the whole products table), so the embedded profile runs ANALYZE itself: a minute
 * after startup, then hourly.
 */
const PlannerStatistics = Layer.effectDiscard(
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const analyze = sql`ANALYZE`.pipe(
      Effect.tap(() => Effect.logDebug("planner statistics refreshed")),
      Effect.catchCause((cause) => Effect.logWarning("ANALYZE failed", cause))
    )
    yield* Effect.forkScoped(analyze.pipe(Effect.delay("1 minute"), Effect.repeat(Schedule.spaced("1 hour"))))
  })
)

/** A folder only this user may enter: the socket inside it has no other protection. */
const privateFolder = (folder: string) =>
  Effect.try({
    try: () => {
      fs.mkdirSync(folder, { recursive: true, mode: 0o700 })
      fs.chmodSync(folder, 0o700)
    },
    catch: openFailure(`could not make ${folder} private (mode 0700)`)
  })

/** For `memory://`: a fresh 0700 folder for the socket, removed when the layer closes. */
const temporarySocketFolder = Effect.acquireRelease(
  Effect.tryPromise({
    try: () => fs.promises.mkdtemp(path.join(os.tmpdir(), "brainops-pglite-")),
    catch: openFailure("could not create a temporary folder for the PGlite socket")
  }).pipe(Effect.tap(privateFolder)),
  (folder) => Effect.promise(() => fs.promises.rm(folder, { recursive: true, force: true }))
)

const socketPathIn = (folder: string) =>
  Effect.suspend(() => {
    const socketPath = path.join(path.resolve(folder), SOCKET_NAME)
    const bytes = Buffer.byteLength(socketPath)
    return bytes <= MAX_SOCKET_PATH_BYTES
      ? Effect.succeed(socketPath)
      : Effect.fail(
        openFailure(
          `The PGlite socket path ${socketPath} is ${bytes} bytes, longer than the ${MAX_SOCKET_PATH_BYTES} bytes ` +
            `a unix socket path may have: point BRAINOPS_DATA_DIR at a folder with a shorter path.`
        )(undefined)
      )
  })

const MEMORY = "memory://"

/**
 * `memory://` is an empty in-memory database; `memory://<file>` one that starts from a dump of a
 * PGlite data folder (`pglite.dumpDataDir()`), which skips initdb: the tests start every database
 * from one dump, migrated once per run, in a third of the time a fresh one takes.
 */
const openPglite = async (dataDir: string, options: PgliteOptions) => {
  if (!dataDir.startsWith(MEMORY)) {
    const isNew = !fs.existsSync(path.join(dataDir, "PG_VERSION"))
    return isNew && options.initdbCache !== undefined
      ? PGlite.create(dataDir, { extensions: { vector }, loadDataDir: await freshDatabaseDump(options.initdbCache) })
      : PGlite.create(dataDir, { extensions: { vector } })
  }
  const dump = dataDir.slice(MEMORY.length)
  return dump === ""
    ? PGlite.create(MEMORY, { extensions: { vector } })
    : PGlite.create(MEMORY, { extensions: { vector }, loadDataDir: new Blob([await fs.promises.readFile(dump)]) })
}

const require = createRequire(import.meta.url)
const versionOf = (pkg: string): string =>
  (JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve(pkg)), "..", "package.json"), "utf8")) as { version: string }).version

/** The dump's file name says what made it, so a dump of other versions is never loaded. */
export const initdbDumpFile = (cacheDir: string) =>
  path.join(cacheDir, `pglite-${versionOf("@electric-sql/pglite")}-pgvector-${versionOf("@electric-sql/pglite-pgvector")}.tar`)

/**
 * A dump of a database just initialised: initdb's catalogs and the vector extension, none of our
 * schema (the migrations still make that, so a new migration needs nothing done here). On a new
 * data folder, PGlite runs initdb itself and writes every file through to the folder as it goes,
 * the slowest part of a first start; initdb in memory, dumped and unpacked into the folder, is the
 * same database in a fraction of the time, and the dump, kept, saves the initdb of the next new folder.
 * Written under a temporary name and renamed, so a reader never sees half a file; a cache that
 * cannot be written only costs the next new folder its initdb.
 */
export const freshDatabaseDump = async (cacheDir: string): Promise<Blob> => {
  const file = initdbDumpFile(cacheDir)
  const kept = await fs.promises.readFile(file).catch(() => undefined)
  if (kept !== undefined) return new Blob([kept])
  const db = await PGlite.create(MEMORY, { extensions: { vector } })
  try {
    await db.exec("CREATE EXTENSION IF NOT EXISTS vector")
    const dump = await db.dumpDataDir("none")
    const partial = `${file}.${process.pid}.partial`
    await fs.promises.mkdir(cacheDir, { recursive: true })
      .then(async () => fs.promises.writeFile(partial, new Uint8Array(await dump.arrayBuffer())))
      .then(() => fs.promises.rename(partial, file))
      .catch(() => fs.promises.rm(partial, { force: true }))
    return dump
  } finally {
    await db.close()
  }
}

const servePglite = (dataDir: string, options: PgliteOptions) =>
  Effect.gen(function*() {
    let socketPath: string
    if (dataDir.startsWith(MEMORY)) {
      socketPath = yield* Effect.flatMap(temporarySocketFolder, socketPathIn)
    } else {
      socketPath = yield* socketPathIn(dataDir)
      yield* privateFolder(dataDir)
      yield* lockDataDir(dataDir).pipe(Effect.mapError((error) => openFailure(error.message)(error)))
    }
    // Scope finalizers run in reverse: the PgClient closes first, then the socket server, then PGlite.
    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => openPglite(dataDir, options),
        catch: openFailure(`could not open PGlite in ${dataDir}`)
      }),
      (db) => Effect.promise(() => db.close())
    )
    yield* Effect.tryPromise({
      try: () => db.exec("CREATE EXTENSION IF NOT EXISTS vector"),
      catch: openFailure("could not load pgvector into PGlite")
    })
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          // A socket left by a process that died: ours to replace, since we hold the folder's lock.
          await fs.promises.rm(socketPath, { force: true })
          // The client below keeps one connection: pglite-socket feeds the statements of all its
          // connections to the one backend, so two clients' concurrent transactions would interleave
          // there (a load of them hung: tests/contracts/pglite-client.test.ts); with one, they queue
          // in the pool. The server still takes more connections, for those sql-pg opens beside its
          // own: when a running query is interrupted (its caller hung up) and does not stop within
          // 10 ms, sql-pg sends a CancelRequest on a side connection (which PGlite cannot honour),
          // then retires its connection once the query ends and connects again at once, before the
          // server has let the old one go. A one-connection server refused that reconnect
          // ("PgConnection: Failed to connect", EPIPE) and the request answered 503: seen in
          // bench:catalogue, where autocannon hangs up on slow searches at the end of each run. None of
          // these extra connections runs statements beside the client's one.
          const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: SOCKET_CONNECTIONS })
          await server.start()
          return server
        },
        catch: openFailure(`could not serve PGlite on ${socketPath}`)
      }),
      (server) => Effect.promise(() => server.stop())
    )
    return yield* PgClient.make({
      path: socketPath,
      // PGlite's one role and database; pglite-socket asks for no password.
      username: "postgres",
      database: "postgres",
      maxConnections: 1,
      // Kept open, so that statements do not pay for a new connection after an idle minute.
      minConnections: 1,
      applicationName: "brainops"
    })
  })
