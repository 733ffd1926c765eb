// Run by `npm install` / `npm ci` (postinstall): makes the starting database of a new embedded data
// folder (PGlite's initdb plus pgvector, none of our schema) once, so that the very first `npm start`
// does not spend its first seconds in initdb. Never fails the install: without the dump, the first
// new data folder makes it instead.
import { freshDatabaseDump, initdbDumpFile } from "../adapters/sql/clients.js"
import { INITDB_CACHE } from "./database.js"

const started = performance.now()
try {
  await freshDatabaseDump(INITDB_CACHE)
  console.log(`brainops: embedded database image ready (${initdbDumpFile(INITDB_CACHE)}, ${((performance.now() - started) / 1000).toFixed(1)} s)`)
} catch (error) {
  console.warn(`brainops: could not prepare the embedded database image (the first start will make it): ${error instanceof Error ? error.message : String(error)}`)
}
