import { DatabaseLive } from "./database.js"
import type { AppConfig } from "./config.js"
import { EmbedderLive } from "./embedder.js"

/**
 * The two slow parts of a start: the database (opened, migrated) and the embedder (its model loaded
 * in worker threads). They need nothing from each other, so they are built side by side; the server
 * starts building them before it loads the rest of the application's modules (bootstrap/server.ts).
 * A module of its own, light to load: it imports the database and embedder adapters only.
 */
export interface Foundations {
  readonly database: ReturnType<typeof DatabaseLive>
  readonly embedder: ReturnType<typeof EmbedderLive>
}

export const foundationsOf = (config: AppConfig): Foundations => ({ database: DatabaseLive(config), embedder: EmbedderLive(config) })
