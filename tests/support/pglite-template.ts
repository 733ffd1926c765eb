import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { vector } from "@electric-sql/pglite-pgvector"
import { Effect } from "effect"
import type { TestProject } from "vitest/node"
import { PgliteClient } from "../../adapters/sql/clients.js"
import { runMigrations } from "../../adapters/sql/migrator.js"
import { INITDB_CACHE } from "../../bootstrap/database.js"

declare module "vitest" {
  export interface ProvidedContext {
    /** A dump of a PGlite data folder with every migration applied, made once per run. */
    readonly pgliteTemplate: string
    /** A folder for this run's temporary files, removed when the run ends (tests/support/scratch.ts). */
    readonly testScratch: string
  }
}

/**
 * Global setup: one migrated PGlite, dumped to a file that every test database of the run starts
 * from (`memory://<dump>`). A fresh PGlite spends seconds in initdb; about 40 test files open one.
 * Made anew each run, from the migrations as they are, so it cannot go stale. The same folder holds
 * every temporary file of the run, and goes with it.
 */
export default async function setup(project: TestProject) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "brainops-test-run-"))
  const dataDir = path.join(folder, "data")
  // From the kept initdb dump, as a new data folder of `npm start` is: the run skips initdb.
  await Effect.runPromise(Effect.scoped(Effect.provide(runMigrations, PgliteClient(dataDir, { initdbCache: INITDB_CACHE }))))
  const db = await PGlite.create(dataDir, { extensions: { vector } })
  const dump = await db.dumpDataDir("none")
  await db.close()
  const file = path.join(folder, "migrated.tar")
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  project.provide("pgliteTemplate", file)
  project.provide("testScratch", folder)
  return () => fs.rmSync(folder, { recursive: true, force: true })
}
