// Public catalogue search latency through the real server, with N approved products.
// Usage: npx tsx bench/catalogue.ts [--products N] [--duration S] [--connections C] [--postgres URL]
//   default: 10,000 products on the embedded profile (PGlite in a temp folder), 10 s per query,
//   10 connections. --postgres URL: a fresh database on that server (an admin connection that may
//   CREATE DATABASE), dropped at the end.
// The products are written through the SQL product repository before the server starts (titles and
// descriptions from a fixed vocabulary, 12 categories, random prices, ratings and sales), then
// autocannon measures each query shape of GET /api/v1/marketplace/products for S seconds.
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { parseArgs } from "node:util"
import { SqlClient } from "effect/sql"
import { DateTime, Effect, Layer, ManagedRuntime, Option, Redacted, References } from "effect"
import { ProductRepository } from "../application/ports/product-repository.js"
import { UnitOfWork } from "../application/ports/unit-of-work.js"
import { UserRepository } from "../application/ports/user-repository.js"
import { PgliteClient, PgServerClient } from "../adapters/sql/clients.js"
import { MigrationsLive } from "../adapters/sql/migrator.js"
import { ProductRepositorySql } from "../adapters/sql/product-repository.sql.js"
import { UnitOfWorkSql } from "../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../adapters/sql/user-repository.sql.js"
import { Email, User, UserId } from "../domain/identity/user.js"
import { Product, ProductId } from "../domain/marketplace/product.js"
import { createBenchDatabase, serverProfileEnv } from "./support/postgres.js"
import { autocannon, guard, positiveInt, run, startServer, warnIfFailed } from "./support/server.js"

const { values: args } = parseArgs({ options: { products: { type: "string" }, duration: { type: "string" }, connections: { type: "string" }, postgres: { type: "string" } } })
const count = positiveInt("products", args.products, 10_000)
const duration = positiveInt("duration", args.duration, 10)
const connections = positiveInt("connections", args.connections, 10)

const ADJECTIVES = ["minimal", "vintage", "modern", "bold", "warm", "clean", "retro", "elegant", "playful", "dark", "bright", "handmade", "pro", "simple", "cinematic", "cozy"]
const NOUNS = ["template", "preset", "icon pack", "font", "planner", "spreadsheet", "course", "ebook", "theme", "mockup", "brush set", "sound pack", "tracker", "guide", "plugin", "wallpaper"]
const CATEGORIES = ["templates", "photo", "design", "fonts", "music", "video", "education", "software", "3d", "productivity", "games", "writing"]
const WORDS = ["budget", "portrait", "wedding", "landscape", "invoice", "habit", "fitness", "recipe", "travel", "garden", "startup", "resume", "podcast", "youtube", "lightroom", "figma", "notion", "excel", "kanban", "journal", "meditation", "guitar", "piano", "drone", "watercolor", "neon", "pixel", "vector", "cinema", "film"]

// A small deterministic generator, so every run seeds the same catalogue.
let seed = 42
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
const pick = <A>(xs: ReadonlyArray<A>) => xs[Math.floor(rand() * xs.length)]!

const seedCatalogue = (database: Layer.Layer<any, any>) =>
  Effect.gen(function*() {
    const users = yield* UserRepository
    const products = yield* ProductRepository
    const now = yield* DateTime.now
    const sellers = Array.from({ length: 50 }, (_, i) =>
      new User({ id: UserId.make(crypto.randomUUID()), email: Email.make(`seller-${i}@bench.example`), name: `Seller ${i}`, role: "user", passwordHash: "x", emailVerifiedAt: Option.some(now), createdAt: now, updatedAt: now }))
    for (const s of sellers) yield* users.insert(s)
    const uow = yield* UnitOfWork
    for (let start = 0; start < count; start += 500) {
      yield* uow.transaction(Effect.forEach(Array.from({ length: Math.min(500, count - start) }, (_, k) => start + k), (i) => {
        const id = ProductId.make(crypto.randomUUID())
        const title = `${pick(ADJECTIVES)} ${pick(WORDS)} ${pick(NOUNS)} ${i}`
        const created = DateTime.subtract(now, { minutes: count - i })
        const ratingCount = Math.floor(rand() * 40)
        return products.insert(new Product({
          id, sellerId: pick(sellers).id, title, slug: `p-${i}-${id.slice(0, 8)}`,
          description: Array.from({ length: 30 }, () => pick(WORDS)).join(" "),
          category: pick(CATEGORIES), tags: [pick(WORDS), pick(WORDS)], price: 100 + Math.floor(rand() * 50_000), currency: "usd",
          licenseActivationLimit: 3, status: "approved", rejectionReason: Option.none(),
          file: Option.some({ key: `products/${id}/f`, name: "f.zip", size: 1, contentType: "application/zip" }),
          ratingAverage: ratingCount === 0 ? 0 : 1 + rand() * 4, ratingCount, salesCount: Math.floor(rand() * 500),
          createdAt: created, updatedAt: created
        }))
      }, { discard: true }))
    }
    // Fresh statistics, as a running server has them by then (PGlite: its hourly ANALYZE; PostgreSQL: autovacuum).
    yield* Effect.orDie(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`ANALYZE`))
  }).pipe(Effect.provide(Layer.mergeAll(ProductRepositorySql, UserRepositorySql, UnitOfWorkSql).pipe(Layer.provideMerge(database))))


const main = async () => {
  guard(1800)
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "brainops-bench-catalogue-"))
  const database = args.postgres === undefined ? undefined : await createBenchDatabase(args.postgres)
  const databaseUrl = database?.url
  try {
    const client = databaseUrl === undefined ? PgliteClient(dataDir) : PgServerClient({ url: Redacted.make(databaseUrl), poolSize: 4 })
    const store = MigrationsLive.pipe(Layer.provideMerge(client))
    const seeding = Date.now()
    const runtime = ManagedRuntime.make(Layer.succeed(References.MinimumLogLevel, "Warn"))
    await runtime.runPromise(seedCatalogue(store))
    await runtime.dispose()
    process.stderr.write(`seeded ${count} products in ${((Date.now() - seeding) / 1000).toFixed(1)} s\n`)

    const { base } = await startServer({
      BRAINOPS_DATA_DIR: dataDir,
      RATE_LIMIT_API_PER_MINUTE: "10000000",
      ...(databaseUrl !== undefined ? serverProfileEnv(databaseUrl) : {})
    })
    const queries: ReadonlyArray<[string, string]> = [
      ["newest, no filter", "?limit=20"],
      ["q=budget (common word), newest", "?q=budget&limit=20"],
      ["q=\"watercolor portrait\" sort=rating", "?q=watercolor%20portrait&sort=rating&limit=20"],
      ["category + price range, price_asc", "?category=photo&min_price=1000&max_price=20000&sort=price_asc&limit=20"],
      ["q=figma sort=sales", "?q=figma&sort=sales&limit=20"],
      ["q=nothingmatches", "?q=zebraquartz&limit=20"]
    ]
    const rows: Array<Array<string>> = []
    for (const [name, query] of queries) {
      const url = `${base}/api/v1/marketplace/products${query}`
      const response = await fetch(url)
      const first = await response.json() as { items?: Array<unknown> }
      if (response.status !== 200 || first.items === undefined) throw new Error(`${name}: ${response.status} ${JSON.stringify(first)}`)
      process.stderr.write(`${name}: ${first.items.length} items on the first page; warm-up 2 s, then ${duration} s...\n`)
      await autocannon({ url, connections, duration: 2, pipelining: 1 })
      const result = await autocannon({ url, connections, duration, pipelining: 1 })
      warnIfFailed(name, result)
      rows.push([name, String(first.items.length), result.requests.average.toFixed(0), String(result.latency.p50), String(result.latency.p99), String(result.non2xx + result.errors)])
    }
    const header = ["query", "hits", "req/s", "p50 ms", "p99 ms", "failed"]
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
    const fmt = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
    const cpus = os.cpus()
    console.log(`Catalogue search, ${count} approved products, ${databaseUrl === undefined ? "embedded PGlite" : "PostgreSQL"}; autocannon ${connections} connections, ${duration} s each`)
    console.log(`machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "unknown"}), node ${process.version}`)
    console.log(fmt(header))
    console.log(fmt(widths.map((w) => "-".repeat(w))))
    for (const r of rows) console.log(fmt(r))
  } finally {
    const { stopServer } = await import("./support/server.js")
    await stopServer()
    rmSync(dataDir, { recursive: true, force: true })
    await database?.drop()
  }
}

void run(main)
