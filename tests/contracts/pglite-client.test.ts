import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "effect/sql"
import { Effect, Exit, Layer, Scope } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { MAX_SOCKET_PATH_BYTES, PgliteClient } from "../../adapters/sql/clients.js"
import { scratchDir } from "../support/scratch.js"

const tempFolder = Effect.acquireRelease(
  Effect.sync(() => scratchDir("client-")),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/** Builds the client in a scope of its own, runs `use`, and closes the scope again. */
const withClient = <A, E>(dataDir: string, use: Effect.Effect<A, E, PgClient.PgClient | SqlClient.SqlClient>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(PgliteClient(dataDir), scope)
    const result = yield* Effect.exit(Effect.provide(use, context))
    yield* Scope.close(scope, Exit.void)
    return yield* result
  })

const socketPath = Effect.map(PgClient.PgClient, (client) => client.config.path!)
const modeOf = (p: string) => fs.statSync(p).mode & 0o777

describe("the embedded client: PGlite behind a unix socket", () => {
  it.live("serves a data folder on a socket inside it, made private, and keeps the data when it is opened again", () =>
    Effect.gen(function*() {
      const dir = path.join(yield* tempFolder, "data")
      fs.mkdirSync(dir, { mode: 0o755 })
      const socket = yield* withClient(dir, Effect.gen(function*() {
        const socket = yield* socketPath
        expect(socket).toBe(path.join(dir, ".s.PGSQL.5432"))
        expect(fs.statSync(socket).isSocket()).toBe(true)
        expect(modeOf(dir)).toBe(0o700)
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE kept (n int)`
        yield* sql`INSERT INTO kept VALUES (7)`
        return socket
      }))
      // Closed: no socket, no lock left behind.
      expect(fs.existsSync(socket)).toBe(false)
      expect(fs.existsSync(path.join(dir, "brainops.lock"))).toBe(false)
      const rows = yield* withClient(dir, Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT n FROM kept`))
      expect(rows).toEqual([{ n: 7 }])
    }), 120_000)

  it.live("memory:// gets a fresh private folder for its socket, removed when the client closes", () =>
    Effect.gen(function*() {
      const folder = yield* withClient("memory://", Effect.gen(function*() {
        const socket = yield* socketPath
        const folder = path.dirname(socket)
        expect(fs.statSync(socket).isSocket()).toBe(true)
        expect(modeOf(folder)).toBe(0o700)
        return folder
      }))
      expect(fs.existsSync(folder)).toBe(false)
    }), 60_000)

  it.live("refuses a data folder whose socket path would be too long for a unix socket, naming the limit", () =>
    Effect.gen(function*() {
      const dir = path.join(yield* tempFolder, "x".repeat(MAX_SOCKET_PATH_BYTES))
      const error = yield* Effect.flip(withClient(dir, Effect.void))
      expect(error.message).toContain(`${MAX_SOCKET_PATH_BYTES} bytes`)
      expect(error.message).toContain("BRAINOPS_DATA_DIR")
      // Refused before anything was created.
      expect(fs.existsSync(dir)).toBe(false)
    }))

  // With more than one connection, pglite-socket's single backend holds every other connection's
  // statements while one has a transaction open, interleaving them message by message: under this
  // load the run hung (checked with 4). One connection makes them wait in the pool instead.
  it.live("one connection: concurrent transactions and statements beside them neither stall nor mix", () =>
    withClient("memory://", Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE beside (who text)`
      const rolledBack = (i: number) =>
        Effect.flip(sql.withTransaction(
          Effect.gen(function*() {
            yield* sql`INSERT INTO beside VALUES (${`transaction ${i}`})`
            yield* sql`SELECT pg_sleep(0.001)`
            yield* sql`INSERT INTO beside VALUES (${`transaction ${i}`})`
            return yield* Effect.fail("rolled back")
          })
        ))
      const outside = (i: number) => sql`INSERT INTO beside VALUES (${`outside ${i}`})`
      const results = yield* Effect.all(
        [...Array.from({ length: 40 }, (_, i) => rolledBack(i)), ...Array.from({ length: 40 }, (_, i) => outside(i))],
        { concurrency: "unbounded" }
      )
      expect(results.slice(0, 40)).toEqual(Array(40).fill("rolled back"))
      const rows = yield* sql`SELECT who FROM beside ORDER BY who`
      expect(rows.map((r) => r["who"])).toEqual(Array.from({ length: 40 }, (_, i) => `outside ${i}`).sort())
    })), 60_000)

  // sql-pg opens connections beside its pool's one: a CancelRequest's when an interrupted query does
  // not stop at once, and its replacement connection, opened before the server has let the retired
  // one go. A server that refused them answered 503s ("Failed to connect", EPIPE) in bench:catalogue.
  it.live("the socket takes the connections sql-pg opens beside the client's own", () =>
    withClient("memory://", Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`SELECT 1`
      const path = yield* socketPath
      const beside = (n: number) =>
        Effect.scoped(Effect.gen(function*() {
          const other = yield* PgClient.make({ path, username: "postgres", database: "postgres", maxConnections: 1 })
          return yield* other`SELECT ${n}::int AS n`
        })).pipe(Effect.provide(Reactivity.layer))
      const rows = yield* Effect.all([beside(1), beside(2), sql`SELECT 3::int AS n`], { concurrency: "unbounded" })
      expect(rows.map((r) => r[0]?.["n"])).toEqual([1, 2, 3])
    })), 60_000)
})
