import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Worker } from "node:worker_threads"
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
   * which skips initdb; without it, the first new folder makes it. See `freshDatabaseDump` in
   * pglite-worker.mjs.
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

/** The database's thread: plain JavaScript, so it needs no TypeScript loader (see the file). */
const PGLITE_WORKER = new URL("./pglite-worker.mjs", import.meta.url)

type FromPgliteWorker = { readonly type: "ready" } | { readonly type: "failed"; readonly message: string } | { readonly type: "closed" }

/**
 * PGlite, served on `socketPath`, in a worker thread (pglite-worker.mjs) for the life of the scope:
 * opening it (seconds of WASM) runs beside whatever the main thread does meanwhile, and so do its
 * queries afterwards. Closing asks the thread to stop the socket and close the database (so its files
 * are complete), then ends it.
 */
const pgliteThread = (dataDir: string, socketPath: string, options: PgliteOptions) =>
  Effect.acquireRelease(
    Effect.callback<Worker, SqlError>((resume) => {
      const dump = dataDir.startsWith(MEMORY) && dataDir.length > MEMORY.length ? dataDir.slice(MEMORY.length) : null
      const worker = new Worker(PGLITE_WORKER, {
        workerData: {
          dataDir: dump === null ? dataDir : MEMORY,
          dump,
          initdbCache: options.initdbCache ?? null,
          socketPath,
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
          maxConnections: SOCKET_CONNECTIONS
        }
      })
      let lastError = ""
      const onMessage = (message: FromPgliteWorker) => {
        if (message.type === "ready") {
          worker.off("exit", onExit)
          resume(Effect.succeed(worker))
        } else if (message.type === "failed") {
          lastError = message.message
        }
      }
      const onExit = (code: number) => resume(Effect.fail(openFailure(lastError || `the PGlite thread stopped while opening (exit code ${code})`)(undefined)))
      worker.on("message", onMessage)
      worker.on("error", (error) => (lastError = String(error)))
      worker.once("exit", onExit)
      return Effect.promise(() => worker.terminate())
    }),
    (worker) =>
      Effect.promise(() =>
        new Promise<void>((resolve) => {
          const done = () => void worker.terminate().then(() => resolve(), () => resolve())
          worker.on("message", (message: FromPgliteWorker) => message.type === "closed" && done())
          worker.once("exit", () => resolve())
          worker.postMessage({ type: "close" })
        })
      )
  )

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
    // Scope finalizers run in reverse: the PgClient closes first, then the PGlite thread.
    yield* pgliteThread(dataDir, socketPath, options)
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
