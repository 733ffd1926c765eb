import { fileURLToPath } from "node:url"
import { Layer, Option } from "effect"
import { PgliteClient, PgServerClient } from "../adapters/sql/clients.js"
import { MigrationsLive } from "../adapters/sql/migrator.js"
import type { AppConfig } from "./config.js"

// Apart from layers.ts, so that `npm run migrate` (and a CLI refused by a data folder in use) loads
// the database modules only, not every adapter's SDK.

/**
 * Where a new data folder's starting database (initdb's output, made once per PGlite version) is
 * kept: beside the packages that made it, the usual place for a build cache, gone with them.
 */
export const INITDB_CACHE = fileURLToPath(new URL("../node_modules/.cache/brainops/", import.meta.url))

/** The relational store of the profile: PostgreSQL when DATABASE_URL is set, else PGlite in the data folder. */
export const SqlClientLive = (config: AppConfig) =>
  Option.match(config.databaseUrl, {
    onNone: () => PgliteClient(config.dataDir, { initdbCache: INITDB_CACHE }),
    onSome: (url) => PgServerClient({ url, poolSize: config.databasePoolSize })
  })

/** The store with every migration applied before anything else may use it. */
export const DatabaseLive = (config: AppConfig) => MigrationsLive.pipe(Layer.provideMerge(SqlClientLive(config)))
