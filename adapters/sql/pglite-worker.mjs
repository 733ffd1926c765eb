// The embedded database in a thread of its own (clients.ts): PGlite (PostgreSQL in WASM) with
// pgvector, served by pglite-socket on a unix socket, which the main thread's PgClient connects to.
// PGlite runs its WASM on the thread that calls it: here, opening the database (seconds) and every
// query run beside the main thread's work (loading the application's modules at startup, HTTP after)
// instead of holding its event loop. Plain JavaScript on purpose, like the embedding worker: it runs
// the same under tsx, under vitest and under bare node, with no TypeScript loader in the thread.
//
// workerData: { dataDir, dump, initdbCache, socketPath, maxConnections }
//   dataDir      a folder, or "memory://" (data in memory)
//   dump         a file holding a dump (pglite.dumpDataDir) to start a memory:// database from, or null
//   initdbCache  a folder for the dump of a freshly initialised database (see freshDatabaseDump), or null
// Messages: to the main thread {type:"ready"} | {type:"failed", message}; from it {type:"close"},
// answered {type:"closed"} once the socket is stopped and the database closed (its files complete).
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { parentPort, workerData } from "node:worker_threads"
import { PGlite } from "@electric-sql/pglite"
import { vector } from "@electric-sql/pglite-pgvector"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"

const port = parentPort
if (port === null) throw new Error("pglite-worker.mjs runs as a worker thread only")

const MEMORY = "memory://"
const require = createRequire(import.meta.url)
const versionOf = (pkg) => JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve(pkg)), "..", "package.json"), "utf8")).version

/**
 * A dump of a database just initialised: initdb's catalogs and the vector extension, none of our
 * schema (the migrations still make that, so a new migration needs nothing done here). On a new data
 * folder PGlite runs initdb itself and writes every file through to the folder as it goes, the
 * slowest part of a first start; initdb in memory, dumped and unpacked into the folder, is the same
 * database in a fraction of the time, and the dump, kept, saves the initdb of the next new folder.
 * Its file name says which versions made it, so a dump of other versions is never loaded. Written
 * under a temporary name and renamed, so a reader never sees half a file; a cache that cannot be
 * written only costs the next new folder its initdb.
 */
const freshDatabaseDump = async (cacheDir) => {
  const file = path.join(cacheDir, `pglite-${versionOf("@electric-sql/pglite")}-pgvector-${versionOf("@electric-sql/pglite-pgvector")}.tar`)
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

/**
 * `memory://` is an empty in-memory database; with a dump, one that starts from it (which skips
 * initdb: the tests start every database from one dump, migrated once per run). A folder that holds
 * no database yet starts from the kept initdb dump when there is a cache for it.
 */
const open = async ({ dataDir, dump, initdbCache }) => {
  if (dataDir.startsWith(MEMORY)) {
    return dump === null
      ? PGlite.create(MEMORY, { extensions: { vector } })
      : PGlite.create(MEMORY, { extensions: { vector }, loadDataDir: new Blob([await fs.promises.readFile(dump)]) })
  }
  const isNew = !fs.existsSync(path.join(dataDir, "PG_VERSION"))
  return isNew && initdbCache !== null
    ? PGlite.create(dataDir, { extensions: { vector }, loadDataDir: await freshDatabaseDump(initdbCache) })
    : PGlite.create(dataDir, { extensions: { vector } })
}

const failed = (what) => (error) => {
  throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
}

let db
let server
try {
  db = await open(workerData).catch(failed(`could not open PGlite in ${workerData.dataDir}`))
  await db.exec("CREATE EXTENSION IF NOT EXISTS vector").catch(failed("could not load pgvector into PGlite"))
  // A socket left by a process that died: ours to replace, since the main thread holds the folder's lock.
  await fs.promises.rm(workerData.socketPath, { force: true })
  server = new PGLiteSocketServer({ db, path: workerData.socketPath, maxConnections: workerData.maxConnections })
  await server.start().catch(failed(`could not serve PGlite on ${workerData.socketPath}`))
  port.postMessage({ type: "ready" })
} catch (error) {
  await db?.close().catch(() => undefined)
  port.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) })
  process.exit(1)
}

port.on("message", async (message) => {
  if (message?.type !== "close") return
  try {
    await server.stop()
  } finally {
    await db.close()
    port.postMessage({ type: "closed" })
    port.close()
  }
})
