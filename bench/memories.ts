// Memory search on the embedded profile (PGlite + pgvector in a temp data folder, the local 512-d model):
// embedding throughput, bulk load, searchMemories latency per mode, HNSW recall@10 against exact search,
// and resident memory, for each size asked.
// Then, unless --http 0, the same data folder is served by the real server (bootstrap/server.ts in a child
// process, embedded profile) and POST /api/v1/memories/search is timed end to end over HTTP (login, JSON,
// auth, the query's embedding in the worker pool, search, encoding): p50/p95/p99 per mode, for the owner
// of every memory and for a second user who reads a shared collection (1 in 5) plus 50 shared memories.
// Usage: npx tsx bench/memories.ts [--sizes 10000,100000] [--queries 200] [--real 10000] [--sigma 0.02] [--exact-sql 20] [--index after|during]
//        [--http 200] [--repeat 0.7] [--popular 25] [--base-dir /path/to/other/checkout] [--rounds 2] [--keep]
//   --sizes      memory counts, each loaded into a fresh PGlite data folder (removed at the end)
//   --queries    measured queries per search mode (plus 20 warm-up)
//   --real       at most this many distinct memories are embedded by the model (the "base set"); a size
//                above it is filled with synthetic near-duplicates of base memories (text slightly varied,
//                vector = normalize(base vector + N(0, sigma²) per dimension)), since the model takes ~50 ms
//                a memory on 2 cores. The base set is embedded once and shared by every size.
//   --sigma      noise per dimension of the synthetic vectors. 0.02 (noise norm ≈ 0.45): cosine ≈ 0.91 to the base
//                and ≈ 0.83 between two variants, about what real neighbours have in this corpus (the bench
//                prints the real nearest-neighbour cosine), so synthetic clusters are not tighter than real ones
//   --exact-sql  queries timed for the exact (sequential-scan) SQL, for comparison with HNSW
//   --index      after (default): load all but the last 1,000 memories with the adapter's HNSW index dropped,
//                rebuild it from its own definition, then load the last 1,000 with it maintained (their cost
//                is the per-memory cost at that size); during: maintain the index for every row (slow: on
//                2 cores ~14 ms a memory at 100,000, against ~2.4 ms bulk + ~1.5 ms of index build)
//   --http       requests timed per search mode and server for the owner (half as many for the reader of shares); 0: no HTTP phase
//   --repeat     share of the requests that repeat a popular query (one of --popular, e.g. saved or common searches);
//                the rest are fresh queries, never asked before in that server process. p50/p95/p99 are printed
//                over the mix and for each part. Each server first warms up on the popular queries (so they are
//                "seen before") and on 10 throw-away queries.
//   --base-dir   a second checkout (e.g. `git worktree add /path 78fc8cd`, npm ci there) whose server is timed
//                on the same data folder, interleaved with this checkout's: --rounds rounds, each starting
//                both servers one after the other (PGlite takes one process at a time), the order alternating
//   --keep       keep each size's data folder (its path is printed) instead of removing it
//   --timeout-min  overall time limit (default 20 min + 40 min per 100,000 memories)
//   --reuse      a data folder kept by an earlier run (same --real, --queries and --sizes): only the HTTP phase runs,
//                on it (nothing is embedded or loaded again; the folder is left as it is)
// Exits 0 on success, 1 on failure, 2 on bad arguments, 3 on the overall timeout.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import { parseArgs } from "node:util"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { SqlClient, Statement } from "effect/sql"
import { type Context, DateTime, Effect, Layer, ManagedRuntime, Option, References } from "effect"
import { LocalEmbedder } from "../adapters/embeddings/local-use.js"
import { PgliteClient } from "../adapters/sql/clients.js"
import { MigrationsLive } from "../adapters/sql/migrator.js"
import { EF_SEARCH_MIN, VectorIndexPgvector } from "../adapters/sql/vector-index.pgvector.js"
import { UnitOfWorkSql } from "../adapters/sql/unit-of-work.sql.js"
import { CollectionRepositorySql, MemoryRepositorySql } from "../adapters/sql/memory-repository.sql.js"
import { MemoryShareRepositorySql } from "../adapters/sql/memory-share-repository.sql.js"
import { QueryLogSql } from "../adapters/sql/memory-analytics.sql.js"
import { IdsUuidV7 } from "../adapters/crypto/ids.uuid-v7.js"
import { embedMemory } from "../application/memory/indexing.js"
import { searchMemories, type SearchMode } from "../application/memory/search.js"
import { Embedder, QueryEmbedder } from "../application/ports/embedder.js"
import { Ids } from "../application/ports/ids.js"
import { MemoryRepository } from "../application/ports/memory-repository.js"
import { UnitOfWork } from "../application/ports/unit-of-work.js"
import { type VectorEntry, type VectorFilter, VectorIndex } from "../application/ports/vector-index.js"
import { ALL_SCOPES, type Actor } from "../domain/identity/actor.js"
import { UserId } from "../domain/identity/user.js"
import { chunkText } from "../domain/memory/chunking.js"
import { CollectionId, Memory, MemoryId } from "../domain/memory/memory.js"
import argon2 from "argon2"
import { ARGON2_OPTIONS } from "../adapters/argon2/password-hasher.argon2.js"
import { type GeneratedMemory, generateMemories, makeRng, queryFrom, variantOf } from "./support/memory-corpus.js"
import { startServer, stopServer } from "./support/server.js"
import { call } from "./support/clients.js"

const SEED = 20_251_125
const WARMUP = 20
const LIMIT = 10
const LOAD_BATCH = 500
const EMBED_BATCH = 32
const THROUGHPUT_SAMPLE = 2000
/** Memories loaded last, with the HNSW index maintained (--index after). */
const TAIL = 1000
/** For the HNSW build only: a 100,000 × 512-d graph (~260 MB) fits, so pgvector builds it in memory. */
const BUILD_MEMORY = "512MB"
const MODES: ReadonlyArray<SearchMode> = ["vector", "keyword", "hybrid"]
/** hnsw.ef_search values tried after the adapter's own (at least EF_SEARCH_MIN; the recall@10 line above is the adapter's). */
const EF_SWEEP: ReadonlyArray<number> = [40, 100, 200, 400, 800]
const TEMP_PREFIX = "brainops-bench-memories-"
const HTTP_PASSWORD = "bench memories password 0123"
const OWNER_EMAIL = "bench-memories@example.com"
const READER_EMAIL = "bench-reader@example.com"
const READER_ID = UserId.make("0193a1b2-0000-7000-8000-00000000be4d")
const SHARED_COLLECTION = CollectionId.make("0193a1b2-0000-7000-8000-0000000c0111")
/** Memories n ≡ 0 (mod this) are in the collection shared with the reader. */
const SHARED_EVERY = 5
const SHARED_ONE_BY_ONE = 50
const inShared = (n: number) => (n % SHARED_EVERY === 0 ? Option.some(SHARED_COLLECTION) : Option.none())
/** The limits of the HTTP phase's server: far above what one client asking one query at a time reaches. */
const HTTP_ENV: Record<string, string> = {
  RATE_LIMIT_SEARCH_PER_MINUTE: "1000000",
  RATE_LIMIT_API_PER_MINUTE: "1000000",
  RATE_LIMIT_LOGIN_PER_MINUTE: "1000000",
  LOG_LEVEL: "warning"
}

// ---------------------------------------------------------------------------------------------------
// Arguments

const positiveInt = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === "") return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return n
}
const settings = (() => {
  try {
    const { values: args } = parseArgs({
      options: {
        sizes: { type: "string" },
        queries: { type: "string" },
        real: { type: "string" },
        sigma: { type: "string" },
        "exact-sql": { type: "string" },
        index: { type: "string" },
        http: { type: "string" },
        repeat: { type: "string" },
        popular: { type: "string" },
        "base-dir": { type: "string" },
        rounds: { type: "string" },
        keep: { type: "boolean" },
        reuse: { type: "string" },
        "timeout-min": { type: "string" }
      }
    })
    const sizes = (args.sizes ?? "10000,100000").split(",").map((s) => positiveInt("--sizes", s.trim(), 0))
    if (sizes.length === 0 || sizes.some((n) => n > 1_000_000)) throw new Error("--sizes: one or more counts, each at most 1,000,000")
    const sigma = args.sigma === undefined ? 0.02 : Number(args.sigma)
    if (!Number.isFinite(sigma) || sigma < 0 || sigma > 1) throw new Error(`--sigma must be a number from 0 to 1, got "${args.sigma}"`)
    const index = args.index ?? "after"
    if (index !== "after" && index !== "during") throw new Error(`--index must be "after" or "during", got "${index}"`)
    const queries = positiveInt("--queries", args.queries, 200)
    if (queries > 10_000) throw new Error("--queries: at most 10,000")
    const repeat = args.repeat === undefined ? 0.7 : Number(args.repeat)
    if (!Number.isFinite(repeat) || repeat < 0 || repeat > 1) throw new Error(`--repeat must be a number from 0 to 1, got "${args.repeat}"`)
    const http = args.http === "0" ? 0 : positiveInt("--http", args.http, 200)
    return {
      sizes,
      queries,
      http,
      repeat,
      popular: positiveInt("--popular", args.popular, 25),
      baseDir: args["base-dir"],
      rounds: positiveInt("--rounds", args.rounds, 2),
      keep: args.keep === true,
      reuse: args.reuse,
      timeoutMin: args["timeout-min"] === undefined ? undefined : positiveInt("--timeout-min", args["timeout-min"], 1),
      real: positiveInt("--real", args.real, 10_000),
      sigma,
      exactSql: positiveInt("--exact-sql", args["exact-sql"], 20),
      index: index as "after" | "during"
    }
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
    console.error("usage: npx tsx bench/memories.ts [--sizes 10000,100000] [--queries 200] [--real 10000] [--sigma 0.02] [--exact-sql 20] [--index after|during] [--http 200] [--repeat 0.7] [--popular 25] [--base-dir DIR] [--rounds 2] [--keep]")
    process.exit(2)
  }
})()
const maxSize = Math.max(...settings.sizes)
/** Memories embedded by the model, shared by every size. */
const baseCount = Math.min(maxSize, settings.real)
/** Queries come from base memories present in every size. */
const querySourceCount = Math.min(baseCount, ...settings.sizes)

// ---------------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US")
const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : "-")
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const progress = (line: string) => process.stderr.write(`${line}\n`)
const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
const stats = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN
  }
}
// A full GC before each memory reading, so heapUsed is live data and a closed PGlite's WASM memory is
// released (the flag is set at run time: the command line stays `tsx bench/memories.ts`).
v8.setFlagsFromString("--expose-gc")
const gc = vm.runInNewContext("gc") as () => void
const memory = () => {
  gc()
  const m = process.memoryUsage()
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external }
}
const fmtMemory = (m: ReturnType<typeof memory>) => `rss ${mb(m.rss)}, heapUsed ${mb(m.heapUsed)}, external ${mb(m.external)}`

/** The text embedMemory embeds: title, blank line, content (application/memory/indexing.ts). */
const searchableText = (m: GeneratedMemory) => (m.title !== undefined ? `${m.title}\n\n${m.content}` : m.content)
/** Generated memories are short: one chunk each, so chunk = memory in every comparison below. */
const onlyChunk = (m: GeneratedMemory): string => {
  const chunks = chunkText(searchableText(m))
  if (chunks.length !== 1) throw new Error(`a generated memory made ${chunks.length} chunks, expected 1`)
  return chunks[0]!.text
}

// Stored vectors are rounded to 7 decimals, and the JS copy holds exactly the float32 that pgvector
// parses from that decimal text: the exact search below sees the same numbers as the index, and the
// SQL text stays short (about 10 characters a dimension instead of 19).
const round7 = (x: number) => Math.round(x * 1e7) / 1e7
const quantizeInto = (target: Float32Array, offset: number, v: ArrayLike<number>) => {
  let norm = 0
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!
  const scale = norm === 0 ? 1 : 1 / Math.sqrt(norm)
  for (let i = 0; i < v.length; i++) target[offset + i] = round7(v[i]! * scale)
}
const sqlVector = (store: Float32Array, offset: number, dims: number): Array<number> => {
  const out = new Array<number>(dims)
  for (let i = 0; i < dims; i++) out[i] = round7(store[offset + i]!)
  return out
}
const dot = (q: Float32Array, store: Float32Array, offset: number) => {
  let s = 0
  for (let i = 0; i < q.length; i++) s += q[i]! * store[offset + i]!
  return s
}
/** Exact top k (index, score) by dot product of unit vectors (= cosine). */
const exactTopK = (q: Float32Array, store: Float32Array, count: number, k: number) => {
  const dims = q.length
  const idx = new Int32Array(k).fill(-1)
  const sc = new Float64Array(k).fill(-Infinity)
  for (let n = 0; n < count; n++) {
    const s = dot(q, store, n * dims)
    if (s <= sc[k - 1]!) continue
    let j = k - 1
    while (j > 0 && sc[j - 1]! < s) {
      sc[j] = sc[j - 1]!
      idx[j] = idx[j - 1]!
      j--
    }
    sc[j] = s
    idx[j] = n
  }
  return { idx, sc }
}

// ---------------------------------------------------------------------------------------------------
// Layers: the embedded profile's adapters, as bootstrap wires them when nothing is configured (PGlite in
// a data folder with every migration, pgvector, the local model), the model loaded once for all sizes.

const quiet = Layer.succeed(References.MinimumLogLevel, "Warn")
type EmbedderService = Context.Service.Shape<typeof Embedder>

const servicesLayer = (dataDir: string, embedder: EmbedderService) => {
  // Queries embedded each time, as before the query cache (the HTTP phase measures the server, cache included).
  const embedderLayer = Layer.merge(Layer.succeed(Embedder, embedder), Layer.succeed(QueryEmbedder, embedder))
  return Layer.mergeAll(
    MemoryRepositorySql,
    CollectionRepositorySql,
    MemoryShareRepositorySql,
    QueryLogSql,
    UnitOfWorkSql,
    IdsUuidV7,
    embedderLayer,
    VectorIndexPgvector({ model: embedder.model, dimensions: embedder.dimensions })
  ).pipe(Layer.provideMerge(MigrationsLive.pipe(Layer.provideMerge(PgliteClient(dataDir)))), Layer.provideMerge(quiet))
}
type Services = Layer.Success<ReturnType<typeof servicesLayer>>
type Runtime = ManagedRuntime.ManagedRuntime<Services, unknown>

// ---------------------------------------------------------------------------------------------------
// Cleanup: every size's runtime and temp folder, also on a signal or the watchdog.

let embedRuntime: ManagedRuntime.ManagedRuntime<Embedder, unknown> | undefined
let sizeRuntime: Runtime | undefined
let tempDir: string | undefined
let interrupted = false

/** Closes the size's PGlite (its data folder stays, for the server of the HTTP phase). */
const closeRuntime = async () => {
  const rt = sizeRuntime
  sizeRuntime = undefined
  if (rt !== undefined) await Promise.race([rt.dispose().catch(() => undefined), sleep(15_000)])
}
const closeSize = async () => {
  await closeRuntime()
  await stopServer()
  if (tempDir !== undefined) {
    if (settings.keep) progress(`kept the data folder ${path.join(tempDir, "pgdata")}`)
    else rmSync(tempDir, { recursive: true, force: true })
    tempDir = undefined
  }
}
let cleaning: Promise<void> | undefined
const cleanup = (): Promise<void> => (cleaning ??= (async () => {
  await closeSize()
  const rt = embedRuntime
  embedRuntime = undefined
  if (rt !== undefined) await Promise.race([rt.dispose().catch(() => undefined), sleep(5_000)])
})())

// Leftovers of killed runs (a PGlite lock whose pid is dead; no lock and over 30 min old): removed at start.
const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}
const sweepStaleTempDirs = (): number => {
  let removed = 0
  for (const name of readdirSync(os.tmpdir())) {
    if (!name.startsWith(TEMP_PREFIX)) continue
    const dir = path.join(os.tmpdir(), name)
    try {
      let stale: boolean
      try {
        const pid = Number.parseInt(readFileSync(path.join(dir, "pgdata", "brainops.lock"), "utf8"), 10)
        stale = !Number.isInteger(pid) || !pidAlive(pid)
      } catch {
        stale = Date.now() - statSync(dir).mtimeMs > 30 * 60_000
      }
      if (stale) {
        rmSync(dir, { recursive: true, force: true })
        removed++
      }
    } catch { /* another process's folder, or gone meanwhile */ }
  }
  return removed
}

// ---------------------------------------------------------------------------------------------------
// Phase 1: the base set, embedded once by the model (this is also the throughput measurement)

interface Query { readonly text: string; readonly source: number; readonly vector: Float32Array }

interface BaseSet {
  readonly memories: ReadonlyArray<GeneratedMemory>
  readonly chunks: ReadonlyArray<string>
  readonly vectors: Float32Array
  readonly dims: number
  readonly model: string
  readonly arrivalPerSecond: number
  readonly arrivalCount: number
  readonly sortedPerSecond: number
  readonly sortedCount: number
  readonly totalMs: number
  readonly queries: ReadonlyArray<Query>
  readonly queryEmbedMs: ReturnType<typeof stats>
  readonly checkCosine: number
  /** Cosine of a base memory to its nearest other base memory (a sample), p10/p50/p90. */
  readonly realNeighbour: readonly [number, number, number]
}

const embedBase = async (embedder: EmbedderService): Promise<BaseSet> => {
  const dims = embedder.dimensions
  const memories = generateMemories(baseCount, SEED)
  const chunks = memories.map(onlyChunk)
  const vectors = new Float32Array(baseCount * dims)
  const embed = (texts: ReadonlyArray<string>) => embedRuntime!.runPromise(embedder.embed(texts))

  // The first THROUGHPUT_SAMPLE in arrival order (as memories come in: batches mix short and long texts,
  // and the model pads a batch to its longest text); the rest sorted by length (how a bulk import
  // would batch them), which is faster and is reported separately.
  const arrival = Array.from({ length: Math.min(THROUGHPUT_SAMPLE, baseCount) }, (_, i) => i)
  const rest = Array.from({ length: baseCount - arrival.length }, (_, i) => i + arrival.length)
    .sort((a, b) => chunks[a]!.length - chunks[b]!.length || a - b)
  await embed(chunks.slice(0, EMBED_BATCH)) // warm-up (first call compiles kernels)

  const started = performance.now()
  let done = 0
  let lastReport = started
  const run = async (order: ReadonlyArray<number>) => {
    const t0 = performance.now()
    for (let b = 0; b < order.length; b += EMBED_BATCH) {
      const ids = order.slice(b, b + EMBED_BATCH)
      const out = await embed(ids.map((i) => chunks[i]!))
      ids.forEach((i, j) => quantizeInto(vectors, i * dims, out[j]!))
      done += ids.length
      const now = performance.now()
      if (now - lastReport > 15_000 || done === baseCount) {
        lastReport = now
        const rate = done / ((now - started) / 1000)
        progress(`  embedding (real, model): ${fmtInt(done)}/${fmtInt(baseCount)}  ${rate.toFixed(1)} memories/s  ETA ${((baseCount - done) / rate / 60).toFixed(1)} min`)
      }
    }
    return performance.now() - t0
  }
  const arrivalMs = await run(arrival)
  const sortedMs = await run(rest)
  const totalMs = performance.now() - started

  // Queries: paraphrases (a few words) of base memories present in every size; embedded one at a time
  // (as searchMemories does).
  const rng = makeRng(SEED + 1)
  const queries: Array<Query> = []
  const queryMs: Array<number> = []
  for (let i = 0; i < settings.queries + WARMUP; i++) {
    const source = rng.int(querySourceCount)
    const text = queryFrom(memories[source]!, rng)
    const t0 = performance.now()
    const [v] = await embed([text])
    queryMs.push(performance.now() - t0)
    queries.push({ text, source, vector: Float32Array.from(v!) })
  }

  // embedMemory (the use-case path) must embed exactly what was embedded here.
  const first = memories[0]!
  const entries = await embedRuntime!.runPromise(embedMemory(new Memory({
    id: MemoryId.make("00000000-0000-4000-8000-000000000000"),
    ownerId: UserId.make("00000000-0000-4000-8000-000000000001"),
    collectionId: Option.none(),
    title: Option.fromNullishOr(first.title),
    content: first.content,
    tags: first.tags,
    metadata: {},
    memoryType: first.memoryType,
    pinned: false,
    createdAt: DateTime.makeUnsafe(0),
    updatedAt: DateTime.makeUnsafe(0)
  })))
  if (entries.length !== 1 || entries[0]!.text !== chunks[0]) throw new Error("embedMemory chunks the first memory differently from the bench")
  const checkCosine = dot(Float32Array.from(entries[0]!.vector), vectors, 0)
  if (checkCosine < 0.999) throw new Error(`embedMemory's vector differs from the bench's (cosine ${checkCosine})`)

  const nearest: Array<number> = []
  const sampleRng = makeRng(SEED + 3)
  const q = new Float32Array(dims)
  for (let s = 0; s < Math.min(200, baseCount); s++) {
    const i = sampleRng.int(baseCount)
    q.set(vectors.subarray(i * dims, (i + 1) * dims))
    let best = -Infinity
    for (let j = 0; j < baseCount; j++) if (j !== i) best = Math.max(best, dot(q, vectors, j * dims))
    nearest.push(best)
  }
  nearest.sort((a, b) => a - b)
  const realNeighbour = [percentile(nearest, 10), percentile(nearest, 50), percentile(nearest, 90)] as const

  return {
    memories, chunks, vectors, dims, model: embedder.model, realNeighbour,
    arrivalPerSecond: arrival.length / (arrivalMs / 1000), arrivalCount: arrival.length,
    sortedPerSecond: rest.length / (sortedMs / 1000), sortedCount: rest.length,
    totalMs, queries, queryEmbedMs: stats(queryMs), checkCosine
  }
}

// ---------------------------------------------------------------------------------------------------
// Phase 2, per size: load, search latency, recall, memory

type Breakdown = { prepare: number; insert: number; upsert: number; commit: number }
const addUp = (a: Breakdown, b: Breakdown): Breakdown =>
  ({ prepare: a.prepare + b.prepare, insert: a.insert + b.insert, upsert: a.upsert + b.upsert, commit: a.commit + b.commit })

interface SizeResult {
  readonly size: number
  readonly real: number
  readonly synthetic: number
  readonly openMs: number
  readonly loadMs: number
  readonly bulk: { readonly count: number; readonly ms: number; readonly parts: Breakdown }
  readonly buildMs: number
  /** Mean cosine of a synthetic vector to its base vector. */
  readonly syntheticCos: number
  readonly realNeighbourP50: number
  readonly tail: { readonly count: number; readonly ms: number; readonly parts: Breakdown }
  readonly analyzeMs: number
  readonly sizes: ReadonlyArray<{ name: string; bytes: number }>
  readonly latency: ReadonlyArray<{ mode: string; s: ReturnType<typeof stats>; hits: number; found: number }>
  readonly indexOnly: ReturnType<typeof stats>
  readonly exactSql: ReturnType<typeof stats>
  readonly exactSqlAgree: string
  readonly recallTieAware: number
  readonly recallIds: number
  readonly exactJsMs: ReturnType<typeof stats>
  /** The bench's own vector copies, part of the memory figures. */
  readonly heldBytes: number
  readonly efSweep: ReadonlyArray<{ readonly ef: number; readonly recall: number; readonly s: ReturnType<typeof stats>; readonly scan: string }>
  readonly plans: ReadonlyArray<string>
  readonly memBefore: ReturnType<typeof memory>
  readonly memLoaded: ReturnType<typeof memory>
  readonly memSearched: ReturnType<typeof memory>
  readonly http: ReadonlyArray<HttpRow>
}

type Compiled = readonly [string, ReadonlyArray<unknown>]
const PLAN_KEEP = /Index Scan|Seq Scan|Bitmap|Sort|Limit|Filter|Execution Time/
/** Vector literals in plans are 5,000 characters: elided. */
const shortPlanLine = (line: string) => line.trimEnd().replace(/'\[[-0-9.,e]{40,}\]'/g, "'[…]'")

const runSize = async (size: number, base: BaseSet): Promise<SizeResult> => {
  const dims = base.dims
  const real = Math.min(size, baseCount)
  const synthetic = size - real
  const memBefore = memory()
  tempDir = mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX))
  const dataDir = path.join(tempDir, "pgdata")
  const embedder = await embedRuntime!.runPromise(Embedder)
  const rt: Runtime = ManagedRuntime.make(servicesLayer(dataDir, embedder))
  sizeRuntime = rt
  const run = <A>(effect: Effect.Effect<A, unknown, Services>) => rt.runPromise(effect)
  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

  progress(`N = ${fmtInt(size)}: opening PGlite in ${dataDir} and migrating...`)
  const tOpen = performance.now()
  await run(Effect.void)
  const openMs = performance.now() - tOpen

  const userId = UserId.make("0193a1b2-0000-7000-8000-00000000be4c")
  const nowMs = Date.now()
  // Real password hashes: the HTTP phase logs both users in.
  const passwordHash = await argon2.hash(HTTP_PASSWORD, ARGON2_OPTIONS)
  await query(
    `INSERT INTO users (id, email, name, role, password_hash, email_verified_at, created_at, updated_at)
     VALUES ($1, $2, 'Bench Memories', 'user', $4, now(), now(), now()), ($3, $5, 'Bench Reader', 'user', $4, now(), now(), now())`,
    [userId, OWNER_EMAIL, READER_ID, passwordHash, READER_EMAIL]
  )
  // One memory in SHARED_EVERY is in a collection the owner shares with the reader.
  await query(
    `INSERT INTO memory_collections (id, owner_id, name, description, created_at, updated_at) VALUES ($1, $2, 'shared', '', now(), now())`,
    [SHARED_COLLECTION, userId]
  )
  await query(`INSERT INTO collection_shares (collection_id, user_id, permission, created_at) VALUES ($1, $2, 'read', now())`, [SHARED_COLLECTION, READER_ID])
  const actor: Actor = { userId, role: "user", sessionId: Option.none(), apiKeyId: Option.none(), scopes: new Set(ALL_SCOPES) }

  // Load: base memories 0..real-1 as embedded, then synthetic near-duplicates of random base memories.
  const all = new Float32Array(size * dims)
  all.set(base.vectors.subarray(0, real * dims))
  const baseOf = new Int32Array(size)
  const ids: Array<string> = new Array<string>(size)
  const rng = makeRng(SEED + 2)
  const noise = new Float64Array(dims)
  const syntheticCos = { sum: 0, n: 0 }
  const loadRange = async (from: number, to: number, label: string, tLoad: number): Promise<Breakdown> => {
    const breakdown: Breakdown = { prepare: 0, insert: 0, upsert: 0, commit: 0 }
    let lastReport = performance.now()
    for (let start = from; start < to; start += LOAD_BATCH) {
      const t0 = performance.now()
      const end = Math.min(to, start + LOAD_BATCH)
      const items: Array<{ readonly m: GeneratedMemory; readonly chunk: string; readonly n: number }> = []
      for (let n = start; n < end; n++) {
        if (n < real) {
          baseOf[n] = n
          items.push({ m: base.memories[n]!, chunk: base.chunks[n]!, n })
        } else {
          const b = rng.int(real)
          baseOf[n] = b
          const m = variantOf(base.memories[b]!, rng)
          for (let d = 0; d < dims; d++) noise[d] = base.vectors[b * dims + d]! + settings.sigma * rng.gaussian()
          quantizeInto(all, n * dims, noise)
          syntheticCos.sum += dot(base.vectors.subarray(b * dims, (b + 1) * dims), all, n * dims)
          syntheticCos.n++
          items.push({ m, chunk: onlyChunk(m), n })
        }
      }
      const timing = { insert: 0, upsert: 0 }
      const batch = Effect.gen(function*() {
        const idGen = yield* Ids
        const repo = yield* MemoryRepository
        const index = yield* VectorIndex
        const uow = yield* UnitOfWork
        const memories = yield* Effect.forEach(items, ({ m, n }) =>
          Effect.map(idGen.next, (id) => {
            // Spread over the last year, oldest first.
            const at = DateTime.makeUnsafe(nowMs - (size - n) * Math.floor((365 * 86_400_000) / size))
            return new Memory({
              id: MemoryId.make(id), ownerId: userId, collectionId: inShared(n), title: Option.fromNullishOr(m.title),
              content: m.content, tags: m.tags, metadata: { source: "bench" }, memoryType: m.memoryType, pinned: false,
              createdAt: at, updatedAt: at
            })
          }))
        const entries = memories.map((memory, j): VectorEntry => ({
          memoryId: memory.id, chunkIndex: 0, ownerId: userId, collectionId: memory.collectionId, tags: memory.tags,
          memoryType: memory.memoryType, text: items[j]!.chunk, vector: sqlVector(all, items[j]!.n * dims, dims)
        }))
        const tPrepared = performance.now()
        yield* uow.transaction(Effect.gen(function*() {
          const t1 = performance.now()
          yield* Effect.forEach(memories, (memory) => repo.insert(memory), { discard: true })
          const t2 = performance.now()
          yield* index.upsert(entries)
          timing.insert = t2 - t1
          timing.upsert = performance.now() - t2
        }))
        return { memories, tPrepared }
      })
      const { memories, tPrepared } = await run(batch)
      const t3 = performance.now()
      memories.forEach((memory, j) => { ids[start + j] = memory.id })
      breakdown.prepare += tPrepared - t0
      breakdown.insert += timing.insert
      breakdown.upsert += timing.upsert
      breakdown.commit += t3 - tPrepared - timing.insert - timing.upsert
      if (t3 - lastReport > 10_000 || end === to) {
        lastReport = t3
        const rate = (end - from) / ((t3 - tLoad) / 1000)
        progress(`  loading (${label}): ${fmtInt(end)}/${fmtInt(size)} (real ${fmtInt(Math.min(end, real))} + synthetic ${fmtInt(Math.max(0, end - real))})  ` +
          `${rate.toFixed(0)} memories/s  ETA ${((to - end) / rate / 60).toFixed(1)} min`)
      }
    }
    return breakdown
  }

  // "after" (default): the adapter's HNSW index is dropped, the bulk is loaded through the ports, the
  // index is rebuilt from its own definition (as a bulk import would), and the last `tail` memories are
  // loaded with the index in place, which measures what each new memory costs at this size.
  // "during": everything is loaded with the index maintained row by row.
  const hnswName = `memory_chunks_hnsw_${dims}`
  const [hnsw] = await query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = $1", [hnswName])
  if (hnsw === undefined) throw new Error(`the pgvector adapter did not create ${hnswName}`)
  const tail = settings.index === "after" ? Math.min(TAIL, Math.floor(size / 10)) : size
  const bulkEnd = size - tail
  const tLoad = performance.now()
  let bulk: Breakdown = { prepare: 0, insert: 0, upsert: 0, commit: 0 }
  let buildMs = 0
  if (bulkEnd > 0) {
    await query(`DROP INDEX ${hnswName}`)
    bulk = await loadRange(0, bulkEnd, "bulk, no HNSW index", tLoad)
    progress(`  building the HNSW index over ${fmtInt(bulkEnd)} chunks (maintenance_work_mem ${BUILD_MEMORY})...`)
    const tBuild = performance.now()
    await run(Effect.flatMap(SqlClient.SqlClient, (sql) =>
      sql.withTransaction(Effect.andThen(sql.unsafe(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`), sql.unsafe(hnsw.indexdef)))))
    buildMs = performance.now() - tBuild
  }
  const bulkMs = performance.now() - tLoad - buildMs
  const tTail = performance.now()
  const tailBreakdown = await loadRange(bulkEnd, size, "HNSW index maintained", tTail)
  const tailMs = performance.now() - tTail
  const loadMs = performance.now() - tLoad
  // And SHARED_ONE_BY_ONE memories outside that collection, shared one by one.
  const readable = new Uint8Array(size)
  for (let n = 0; n < size; n += SHARED_EVERY) readable[n] = 1
  const shareRng = makeRng(SEED + 7)
  const sharedIds: Array<string> = []
  while (sharedIds.length < Math.min(SHARED_ONE_BY_ONE, size - Math.ceil(size / SHARED_EVERY))) {
    const n = shareRng.int(size)
    if (readable[n] === 1) continue
    readable[n] = 1
    sharedIds.push(ids[n]!)
  }
  for (const id of sharedIds) {
    await query(`INSERT INTO memory_shares (memory_id, user_id, permission, created_at) VALUES ($1, $2, 'read', now())`, [id, READER_ID])
  }
  const tAnalyze = performance.now()
  await query("ANALYZE")
  const analyzeMs = performance.now() - tAnalyze

  const [counts] = await query<{ memories: string | number; chunks: string | number }>(
    "SELECT (SELECT count(*) FROM memories) AS memories, (SELECT count(*) FROM memory_chunks) AS chunks"
  )
  if (Number(counts?.memories) !== size || Number(counts?.chunks) !== size) {
    throw new Error(`loaded ${String(counts?.memories)} memories and ${String(counts?.chunks)} chunks, expected ${size} of each`)
  }
  const sizeRows = await query<{ name: string; bytes: string | number }>(
    `SELECT 'database' AS name, pg_database_size(current_database()) AS bytes
     UNION ALL SELECT 'memories (heap+toast)', pg_table_size('memories')
     UNION ALL SELECT 'memories full-text GIN', pg_relation_size('memories_search_idx')
     UNION ALL SELECT 'memory_chunks (heap+toast)', pg_table_size('memory_chunks')
     UNION ALL SELECT 'HNSW index', coalesce((SELECT pg_relation_size(c.oid) FROM pg_class c WHERE c.relname = 'memory_chunks_hnsw_${dims}'), 0)`
  )
  const memLoaded = memory()
  const idIndex = new Map<string, number>(ids.map((id, n) => [id, n]))

  // Plans of the adapter's own statements, captured while they run, to show which index answers.
  const capture = async (effect: Effect.Effect<unknown, unknown, Services>) => {
    const statements: Array<Compiled> = []
    await run(effect.pipe(Effect.provideService(Statement.CurrentTransformer, (self) => {
      statements.push(self.compile())
      return Effect.succeed(self)
    })))
    return statements
  }
  const explain = async (label: string, statements: ReadonlyArray<Compiled>, table: RegExp) => {
    const sets = statements.filter(([text]) => /^\s*SET\b/i.test(text) || /^\s*SELECT set_config\(/i.test(text))
    const main = statements.find(([text]) => /^\s*(SELECT|WITH)\b/i.test(text) && table.test(text))
    if (main === undefined) return [`--- ${label}: no SELECT captured`]
    const rows = await run(Effect.flatMap(SqlClient.SqlClient, (sql) =>
      sql.withTransaction(Effect.gen(function*() {
        for (const [text, params] of sets) yield* sql.unsafe(text, params)
        return yield* sql.unsafe<Record<string, unknown>>(`EXPLAIN ANALYZE ${main[0]}`, main[1])
      }))))
    const lines = rows.map((r) => String(Object.values(r)[0]))
    return [`--- ${label}`, ...lines.filter((l) => PLAN_KEEP.test(l)).map((l) => `    ${shortPlanLine(l)}`)]
  }
  const vectorFilter: VectorFilter = {
    audience: { userId, memoryIds: [], collectionIds: [] },
    collectionId: Option.none(),
    tags: [],
    memoryType: Option.none()
  }
  const probe = base.queries[0]!
  const plans = [
    ...(await explain("VectorIndex.search (pgvector adapter)", await capture(Effect.flatMap(VectorIndex, (i) => i.search(Array.from(probe.vector), vectorFilter, LIMIT))), /FROM memory_chunks/)),
    ...(await explain(`keyword search (searchMemories mode keyword, query "${probe.text}")`, await capture(searchMemories(actor, {
      query: probe.text, limit: LIMIT, mode: "keyword", collectionId: Option.none(), tags: []
    })), /FROM memories\b/i)),
    ...(await explain(`vector part of searchMemories mode hybrid (asks the index for 2 × limit = 20 memories)`, await capture(searchMemories(actor, {
      query: probe.text, limit: LIMIT, mode: "hybrid", collectionId: Option.none(), tags: []
    })), /FROM memory_chunks/))
  ]

  // Latency of the use-case, one query at a time, per mode.
  const measured = base.queries.slice(0, settings.queries)
  const warmup = base.queries.slice(settings.queries)
  const latency: Array<SizeResult["latency"][number]> = []
  for (const mode of MODES) {
    progress(`  searchMemories mode=${mode}: ${warmup.length} warm-up + ${measured.length} measured`)
    const search = (q: Query) => searchMemories(actor, { query: q.text, limit: LIMIT, mode, collectionId: Option.none(), tags: [] })
    for (const q of warmup) await run(search(q))
    const ms: Array<number> = []
    let hits = 0
    let found = 0
    for (const q of measured) {
      const t0 = performance.now()
      const results = await run(search(q))
      ms.push(performance.now() - t0)
      hits += results.length
      if (results.some((r) => baseOf[idIndex.get(r.memory.id) ?? -1] === q.source)) found++
    }
    latency.push({ mode, s: stats(ms), hits: hits / measured.length, found: found / measured.length })
  }

  // Recall@10 of the HNSW index (through the port, as the use-case calls it) against exact search in JS.
  progress(`  recall: VectorIndex.search vs exact top-${LIMIT} over ${fmtInt(size)} vectors, ${measured.length} queries`)
  const indexMs: Array<number> = []
  const exactMs: Array<number> = []
  let recallTie = 0
  let recallIds = 0
  const exactById: Array<{ idx: Int32Array; sc: Float64Array }> = []
  const k = Math.min(LIMIT, size)
  for (const q of warmup.slice(0, 5)) await run(Effect.flatMap(VectorIndex, (i) => i.search(Array.from(q.vector), vectorFilter, LIMIT)))
  for (const q of measured) {
    const t0 = performance.now()
    const hits = await run(Effect.flatMap(VectorIndex, (i) => i.search(Array.from(q.vector), vectorFilter, LIMIT)))
    indexMs.push(performance.now() - t0)
    const qf = Float32Array.from(q.vector)
    const t1 = performance.now()
    const exact = exactTopK(qf, all, size, k)
    exactMs.push(performance.now() - t1)
    exactById.push(exact)
    const kth = exact.sc[k - 1]!
    const truth = new Set(Array.from(exact.idx))
    let tie = 0
    let same = 0
    for (const hit of hits) {
      const n = idIndex.get(hit.memoryId)
      if (n === undefined) continue
      if (truth.has(n)) same++
      // A hit as close as the exact 10th (within float32 rounding) is as right as the one it displaced.
      if (dot(qf, all, n * dims) >= kth - 1e-5) tie++
    }
    recallTie += Math.min(tie, k) / k
    recallIds += same / k
  }

  // Recall against hnsw.ef_search: the adapter's nearest-neighbour query (same filters and ORDER BY,
  // LIMIT 4k) written out here, so ef_search can vary. One chunk a memory, so rows = memories.
  progress(`  ef_search sweep: ${EF_SWEEP.join(", ")} × ${measured.length} queries`)
  const efSweep: Array<SizeResult["efSweep"][number]> = []
  for (const ef of EF_SWEEP) {
    const nn = (q: Query, prefix = "") =>
      run(Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql.withTransaction(Effect.gen(function*() {
          yield* sql.unsafe("SET LOCAL hnsw.iterative_scan = relaxed_order")
          yield* sql.unsafe(`SET LOCAL hnsw.ef_search = ${ef}`)
          return yield* sql.unsafe<{ memory_id: string }>(
            `${prefix}SELECT memory_id::text AS memory_id FROM memory_chunks
             WHERE dimensions = ${dims} AND model = $1 AND owner_id = $2
             ORDER BY (embedding::vector(${dims})) <=> $3::vector(${dims}) LIMIT ${k * 4}`,
            [base.model, userId, `[${Array.from(q.vector).join(",")}]`]
          )
        }))))
    // The planner weighs ef_search in pgvector's cost estimate: note whether it still picks the index.
    const plan = (await nn(probe, "EXPLAIN ")).map((r) => String(Object.values(r)[0])).join("\n")
    const scan = /Index Scan using (\S+)/.exec(plan)?.[0] ?? (/Seq Scan/.test(plan) ? "Seq Scan + Sort (exact)" : "other plan")
    for (const q of warmup.slice(0, 5)) await nn(q)
    const ms: Array<number> = []
    let recall = 0
    for (const [i, q] of measured.entries()) {
      const t0 = performance.now()
      const rows = await nn(q)
      ms.push(performance.now() - t0)
      const exact = exactById[i]!
      const kth = exact.sc[k - 1]!
      const qf = Float32Array.from(q.vector)
      const top = rows.slice(0, k)
      recall += top.filter((r) => dot(qf, all, idIndex.get(r.memory_id)! * dims) >= kth - 1e-5).length / k
    }
    efSweep.push({ ef, recall: recall / measured.length, s: stats(ms), scan })
  }

  // The exact answer in SQL too: a sequential scan of every chunk (the HNSW index is partial, on
  // dimensions = 512, so a query without that predicate cannot use it), for a latency comparison.
  const exactSqlCount = Math.min(settings.exactSql, measured.length)
  progress(`  exact-scan SQL: ${exactSqlCount} queries`)
  const exactSql = (q: Query) =>
    query<{ memory_id: string; distance: number }>(
      `SELECT memory_id::text AS memory_id, embedding <=> $1::vector AS distance FROM memory_chunks
       WHERE owner_id = $2 ORDER BY embedding <=> $1::vector LIMIT ${k}`,
      [`[${Array.from(q.vector).join(",")}]`, userId]
    )
  const exactPlan = await query<Record<string, unknown>>(
    `EXPLAIN SELECT memory_id FROM memory_chunks WHERE owner_id = $2 ORDER BY embedding <=> $1::vector LIMIT ${k}`,
    [`[${Array.from(base.queries[0]!.vector).join(",")}]`, userId]
  )
  plans.push("--- exact-scan SQL (for comparison)", ...exactPlan.map((r) => String(Object.values(r)[0])).filter((l) => PLAN_KEEP.test(l)).map((l) => `    ${shortPlanLine(l)}`))
  const sqlMs: Array<number> = []
  let agree = 0
  for (let i = 0; i < exactSqlCount; i++) {
    const q = measured[i]!
    const t0 = performance.now()
    const rows = await exactSql(q)
    sqlMs.push(performance.now() - t0)
    const exact = exactById[i]!
    const kth = exact.sc[k - 1]!
    const qf = Float32Array.from(q.vector)
    if (rows.every((r) => dot(qf, all, idIndex.get(r.memory_id)! * dims) >= kth - 1e-5)) agree++
  }
  const memSearched = memory()

  await closeRuntime()
  const http = settings.http > 0 ? await httpPhase({ dataDir, size, all, dims, idIndex, baseOf, readable, base }) : []
  await closeSize()
  return {
    http,
    size, real, synthetic, openMs, loadMs, analyzeMs,
    bulk: { count: bulkEnd, ms: bulkMs, parts: bulk }, buildMs, syntheticCos: syntheticCos.n === 0 ? NaN : syntheticCos.sum / syntheticCos.n,
    realNeighbourP50: base.realNeighbour[1], tail: { count: tail, ms: tailMs, parts: tailBreakdown },
    sizes: sizeRows.map((r) => ({ name: r.name, bytes: Number(r.bytes) })),
    latency, indexOnly: stats(indexMs), exactSql: stats(sqlMs), exactSqlAgree: `${agree}/${exactSqlCount}`,
    recallTieAware: recallTie / measured.length, recallIds: recallIds / measured.length, exactJsMs: stats(exactMs), efSweep, heldBytes: all.byteLength + base.vectors.byteLength,
    plans, memBefore, memLoaded, memSearched
  }
}

// ---------------------------------------------------------------------------------------------------
// Phase 3, per size: POST /api/v1/memories/search over HTTP through the real server, on the loaded folder

interface HttpQuery { readonly text: string; readonly source: number; readonly vector: Float32Array; readonly fresh: boolean }
interface HttpRow {
  readonly server: string
  readonly user: "owner" | "reader"
  readonly mode: SearchMode
  readonly all: ReturnType<typeof stats95>
  readonly fresh: ReturnType<typeof stats95>
  readonly repeated: ReturnType<typeof stats95>
  /** Vector mode: results as close as the exact 10th among the memories this user may read. */
  readonly recall: number
  readonly found: number
  readonly startMs: number
}
const stats95 = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) }
}

const httpPhase = async (input: {
  readonly dataDir: string
  readonly size: number
  readonly all: Float32Array
  readonly dims: number
  readonly idIndex: ReadonlyMap<string, number>
  readonly baseOf: Int32Array
  readonly readable: Uint8Array
  readonly base: BaseSet
}): Promise<Array<HttpRow>> => {
  const { all, dims, idIndex, baseOf, readable, base, size } = input
  const k = Math.min(LIMIT, size)
  const embed = async (text: string) => Float32Array.from((await embedRuntime!.runPromise(Effect.flatMap(Embedder, (e) => e.embed([text]))))[0]!)
  // Popular queries: asked again and again (and once in each server's warm-up); fresh ones: each asked once.
  const popular: Array<HttpQuery> = base.queries.slice(0, settings.popular).map((q) => ({ ...q, fresh: false }))
  const used = new Set(base.queries.map((q) => q.text))
  const rng = makeRng(SEED + 11)
  const freshQuery = async (): Promise<HttpQuery> => {
    for (;;) {
      const source = rng.int(querySourceCount)
      const text = queryFrom(base.memories[source]!, rng)
      if (used.has(text)) continue
      used.add(text)
      return { text, source, vector: await embed(text), fresh: true }
    }
  }
  const sequence = async (count: number) => {
    const out: Array<HttpQuery> = []
    for (let i = 0; i < count; i++) out.push(rng.next() < settings.repeat ? popular[rng.int(popular.length)]! : await freshQuery())
    return out
  }
  progress(`  HTTP: preparing ${MODES.length} × (${settings.http} + ${Math.ceil(settings.http / 2)}) requests (repeat ${settings.repeat}, popular ${popular.length}), embedding the fresh ones in the bench for recall`)
  const plan = new Map<string, Array<HttpQuery>>()
  for (const mode of MODES) {
    plan.set(`owner ${mode}`, await sequence(settings.http))
    plan.set(`reader ${mode}`, await sequence(Math.ceil(settings.http / 2)))
  }
  const warmFresh: Array<string> = []
  for (let i = 0; i < 10; i++) warmFresh.push((await freshQuery()).text)

  // The exact 10th score for a query and user (the reader: only the memories it may read).
  const kth = new Map<string, number>()
  const kthOf = (q: HttpQuery, user: "owner" | "reader") => {
    const key = `${user}\u0000${q.text}`
    const seen = kth.get(key)
    if (seen !== undefined) return seen
    const sc = new Float64Array(k).fill(-Infinity)
    for (let n = 0; n < size; n++) {
      if (user === "reader" && readable[n] !== 1) continue
      const s = dot(q.vector, all, n * dims)
      if (s <= sc[k - 1]!) continue
      let j = k - 1
      while (j > 0 && sc[j - 1]! < s) {
        sc[j] = sc[j - 1]!
        j--
      }
      sc[j] = s
    }
    kth.set(key, sc[k - 1]!)
    return sc[k - 1]!
  }

  const servers: Array<{ readonly name: string; readonly cwd: string | undefined }> = [
    { name: "this checkout", cwd: undefined },
    ...(settings.baseDir !== undefined ? [{ name: `base (${path.basename(settings.baseDir)})`, cwd: settings.baseDir }] : [])
  ]
  const samples = new Map<string, { ms: Array<number>; freshMs: Array<number>; repeatedMs: Array<number>; recall: number; recallN: number; found: number; startMs: Array<number> }>()
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse()
    for (const server of order) {
      progress(`  HTTP round ${round + 1}/${settings.rounds}: starting the server of ${server.name} on the data folder...`)
      const t0 = performance.now()
      const running = await startServer(HTTP_ENV, { dataDir: input.dataDir, ...(server.cwd !== undefined ? { root: server.cwd } : {}), timeoutMs: 180_000 })
      const startMs = performance.now() - t0
      const tokenOf = async (email: string) => {
        const r = await call(`${running.base}/api/v1/auth/login`, { json: { email, password: HTTP_PASSWORD } })
        if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`)
        return r.body.access_token as string
      }
      const tokens = { owner: await tokenOf(OWNER_EMAIL), reader: await tokenOf(READER_EMAIL) }
      const ask = async (user: "owner" | "reader", mode: SearchMode, text: string) => {
        const r = await call(`${running.base}/api/v1/memories/search`, { token: tokens[user], json: { query: text, limit: LIMIT, mode } })
        if (r.status !== 200) throw new Error(`search (${server.name}, ${user}, ${mode}): ${r.status} ${JSON.stringify(r.body)}`)
        return { ms: r.ms, ids: (r.body.results as Array<{ memory: { id: string } }>).map((x) => x.memory.id) }
      }
      // Warm-up: the popular queries have been asked before; a few throw-away ones warm every path.
      for (const user of ["owner", "reader"] as const) {
        for (const q of popular) await ask(user, "vector", q.text)
        for (const mode of MODES) for (const text of warmFresh) await ask(user, mode, `${text} ${mode} ${user} ${round}`)
      }
      for (const mode of MODES) {
        for (const user of ["owner", "reader"] as const) {
          const list = plan.get(`${user} ${mode}`)!
          const per = Math.ceil(list.length / settings.rounds)
          const key = `${server.name}\u0000${user}\u0000${mode}`
          const acc = samples.get(key) ?? { ms: [], freshMs: [], repeatedMs: [], recall: 0, recallN: 0, found: 0, startMs: [] }
          samples.set(key, acc)
          acc.startMs.push(startMs)
          for (const q of list.slice(round * per, (round + 1) * per)) {
            const r = await ask(user, mode, q.text)
            acc.ms.push(r.ms)
            ;(q.fresh ? acc.freshMs : acc.repeatedMs).push(r.ms)
            if (r.ids.some((id) => baseOf[idIndex.get(id) ?? -1] === q.source)) acc.found++
            if (mode === "vector") {
              const bar = kthOf(q, user) - 1e-5
              acc.recall += Math.min(k, r.ids.filter((id) => {
                const n = idIndex.get(id)
                return n !== undefined && dot(q.vector, all, n * dims) >= bar
              }).length) / k
              acc.recallN++
            }
          }
        }
      }
      await running.stop()
    }
  }
  const rows: Array<HttpRow> = []
  for (const server of servers) {
    for (const user of ["owner", "reader"] as const) {
      for (const mode of MODES) {
        const acc = samples.get(`${server.name}\u0000${user}\u0000${mode}`)
        if (acc === undefined) continue
        rows.push({
          server: server.name, user, mode, all: stats95(acc.ms), fresh: stats95(acc.freshMs), repeated: stats95(acc.repeatedMs),
          recall: acc.recallN === 0 ? NaN : acc.recall / acc.recallN, found: acc.found / Math.max(1, acc.ms.length),
          startMs: acc.startMs.reduce((a, b) => a + b, 0) / Math.max(1, acc.startMs.length)
        })
      }
    }
  }
  return rows
}

// ---------------------------------------------------------------------------------------------------
// Report

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
  const fmt = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  return [fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)]
}

const httpLines = (http: ReadonlyArray<HttpRow>): Array<string> => {
  const out: Array<string> = []
  if (http.length > 0) {
    out.push(`HTTP:            POST /api/v1/memories/search through the real server (bootstrap/server.ts, embedded profile, this data folder), one request at a time, ` +
      `limit ${LIMIT}; ${(settings.repeat * 100).toFixed(0)}% repeat one of ${settings.popular} popular queries, ${((1 - settings.repeat) * 100).toFixed(0)}% fresh; ` +
      `${settings.rounds} round(s)${settings.baseDir !== undefined ? `, servers interleaved` : ""}; the reader sees 1 in ${SHARED_EVERY} memories (a shared collection) + ${SHARED_ONE_BY_ONE} shared one by one`)
    out.push(...table(
      ["  server / user / mode", "n", "p50 ms", "p95 ms", "p99 ms", "fresh n", "fresh p50", "fresh p95", "repeat p50", "repeat p95", `recall@${LIMIT}`, "source in top 10", "start s"],
      http.map((h) => [
        `  ${h.server} / ${h.user} / ${h.mode}`, String(h.all.n), fmtMs(h.all.p50), fmtMs(h.all.p95), fmtMs(h.all.p99),
        String(h.fresh.n), fmtMs(h.fresh.p50), fmtMs(h.fresh.p95), fmtMs(h.repeated.p50), fmtMs(h.repeated.p95),
        Number.isNaN(h.recall) ? "" : h.recall.toFixed(3), `${(h.found * 100).toFixed(0)}%`, (h.startMs / 1000).toFixed(1)
      ])
    ).map((l) => `  ${l}`))
    out.push("                 (recall@10 over HTTP: vector mode, results as close as the exact 10th among the memories that user may read, with the query embedded by the server)")
  }
  return out
}
const printHttp = (http: ReadonlyArray<HttpRow>) => console.log(httpLines(http).join("\n"))

const printSize = (r: SizeResult) => {
  const out: Array<string> = []
  out.push("")
  out.push(`== N = ${fmtInt(r.size)} memories: ${fmtInt(r.real)} REAL (embedded by the model) + ${fmtInt(r.synthetic)} SYNTHETIC (near-duplicates, sigma ${settings.sigma}) ==`)
  if (r.synthetic > 0) out.push(`synthetic:       mean cosine to their base memory ${r.syntheticCos.toFixed(3)} (real memories to their nearest other: p50 ${r.realNeighbourP50.toFixed(3)})`)
  out.push(`open + migrate:  ${seconds(r.openMs)}`)
  const parts = (b: Breakdown) =>
    `memories INSERT ${seconds(b.insert)} + chunk upsert ${seconds(b.upsert)} + commit/other ${seconds(b.commit)} + JS prepare ${seconds(b.prepare)}`
  const all = addUp(r.bulk.parts, r.tail.parts)
  out.push(`load:            ${seconds(r.loadMs)} in all = ${(r.size / (r.loadMs / 1000)).toFixed(0)} memories/s; batches of ${LOAD_BATCH}, each one UnitOfWork.transaction of ` +
    `${LOAD_BATCH} MemoryRepository.insert + one VectorIndex.upsert (pgvector adapter); ANALYZE after: ${seconds(r.analyzeMs)}`)
  if (r.bulk.count > 0) {
    out.push(`  bulk:          ${fmtInt(r.bulk.count)} memories with the HNSW index dropped: ${seconds(r.bulk.ms)} = ${(r.bulk.count / (r.bulk.ms / 1000)).toFixed(0)}/s (${parts(r.bulk.parts)})`)
    out.push(`  HNSW build:    ${seconds(r.buildMs)} = ${(r.buildMs / r.bulk.count).toFixed(2)} ms a chunk (the adapter's index definition, re-created over ${fmtInt(r.bulk.count)} chunks; maintenance_work_mem ${BUILD_MEMORY})`)
  }
  out.push(`  ${r.bulk.count > 0 ? "tail:          " : "all rows:      "}${fmtInt(r.tail.count)} memories with the HNSW index maintained: ${seconds(r.tail.ms)} = ` +
    `${(r.tail.ms / Math.max(1, r.tail.count)).toFixed(2)} ms a memory (${(r.tail.parts.insert / Math.max(1, r.tail.count)).toFixed(2)} ms memories INSERT + ` +
    `${(r.tail.parts.upsert / Math.max(1, r.tail.count)).toFixed(2)} ms chunk upsert incl. HNSW insert)`)
  out.push(`  totals:        ${parts(all)}${r.bulk.count > 0 ? ` + HNSW build ${seconds(r.buildMs)}` : ""}`)
  out.push(`on disk:         ${r.sizes.map((s) => `${s.name} ${mb(s.bytes)}`).join(", ")}`)
  out.push(`search:          sequential, limit ${LIMIT}, ${settings.queries} queries per mode after ${WARMUP} warm-up; wall time around ManagedRuntime.runPromise`)
  out.push(...table(
    ["", "n", "mean ms", "p50 ms", "p99 ms", "max ms", "hits avg", "source in top 10"],
    [
      ...r.latency.map((l) => [`searchMemories ${l.mode}`, String(l.s.n), fmtMs(l.s.mean), fmtMs(l.s.p50), fmtMs(l.s.p99), fmtMs(l.s.max), l.hits.toFixed(1), `${(l.found * 100).toFixed(0)}%`]),
      ["VectorIndex.search k=10 (no embedding)", String(r.indexOnly.n), fmtMs(r.indexOnly.mean), fmtMs(r.indexOnly.p50), fmtMs(r.indexOnly.p99), fmtMs(r.indexOnly.max), "", ""],
      ["exact-scan SQL (seq scan, top 10)", String(r.exactSql.n), fmtMs(r.exactSql.mean), fmtMs(r.exactSql.p50), fmtMs(r.exactSql.p99), fmtMs(r.exactSql.max), "", ""],
      ["exact top 10 in JS (brute force)", String(r.exactJsMs.n), fmtMs(r.exactJsMs.mean), fmtMs(r.exactJsMs.p50), fmtMs(r.exactJsMs.p99), fmtMs(r.exactJsMs.max), "", ""]
    ]
  ).map((l) => `  ${l}`))
  out.push("  (searchMemories = the use-case: resolves the caller's shares, embeds the query for vector/hybrid, searches, loads the memories, " +
    "writes a query-log row. \"source in top 10\": the memory the query was paraphrased from, or a synthetic variant of it, is among the results.)")
  out.push(`recall@${LIMIT}:       ${r.recallTieAware.toFixed(3)} (HNSW via VectorIndex.search vs exact, ties within 1e-5 counted), ${r.recallIds.toFixed(3)} by id overlap; ` +
    `exact SQL agrees with exact JS on ${r.exactSqlAgree} queries`)
  out.push("recall by ef:")
  out.push(...table(
    ["  hnsw.ef_search", `recall@${LIMIT}`, "p50 ms", "p99 ms", "plan chosen (EXPLAIN, first query)"],
    r.efSweep.map((e) => [`  ${e.ef}`, e.recall.toFixed(3), fmtMs(e.s.p50), fmtMs(e.s.p99), e.scan])
  ).map((l) => `  ${l}`))
  out.push(`                 (the adapter's query written out in the bench with hnsw.ef_search varied; the adapter itself uses at least ${EF_SEARCH_MIN})`)
  out.push(`memory:          before open ${fmtMemory(r.memBefore)}; the bench itself holds ${mb(r.heldBytes)} of vectors (Float32Array) in these figures`)
  out.push(`                 after load  ${fmtMemory(r.memLoaded)}`)
  out.push(`                 after search ${fmtMemory(r.memSearched)}`)
  out.push(...httpLines(r.http))
  out.push("plans (EXPLAIN ANALYZE of the captured adapter SQL, main lines):")
  out.push(...r.plans.map((l) => `  ${l}`))
  console.log(out.join("\n"))
}

// --reuse DIR: the HTTP phase only, on a data folder an earlier run kept (--keep), without embedding or
// loading anything again. What the bench knew of the load is read back: ids and vectors from the
// database (memories in load order), who may read what from the shares, and which base memory each
// synthetic one varies by replaying the load's seeded generator.
const reuseMain = async (dataDir: string) => {
  const started = performance.now()
  embedRuntime = ManagedRuntime.make(LocalEmbedder.pipe(Layer.provideMerge(quiet)))
  const embedder = await embedRuntime.runPromise(Embedder)
  const rt = ManagedRuntime.make(PgliteClient(dataDir).pipe(Layer.provideMerge(quiet)))
  const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
    rt.runPromise(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))
  const [{ n: size } = { n: 0 }] = await query<{ n: number }>("SELECT count(*)::int AS n FROM memories")
  progress(`reuse: ${fmtInt(size)} memories in ${dataDir}; reading ids and vectors back...`)
  const dims = embedder.dimensions
  const all = new Float32Array(size * dims)
  const ids: Array<string> = []
  const readable = new Uint8Array(size)
  for (let offset = 0; offset < size; offset += 5000) {
    const rows = await query<{ id: string; embedding: string; readable: boolean }>(
      `SELECT m.id::text AS id, c.embedding::text AS embedding,
              (m.collection_id IS NOT NULL OR EXISTS (SELECT 1 FROM memory_shares s WHERE s.memory_id = m.id AND s.user_id = $1)) AS readable
       FROM memories m JOIN memory_chunks c ON c.memory_id = m.id AND c.chunk_index = 0
       ORDER BY m.created_at, m.id OFFSET ${offset} LIMIT 5000`,
      [READER_ID]
    )
    rows.forEach((r, j) => {
      const n = offset + j
      ids.push(r.id)
      readable[n] = r.readable ? 1 : 0
      const v = r.embedding.slice(1, -1).split(",")
      for (let d = 0; d < dims; d++) all[n * dims + d] = Number(v[d])
    })
  }
  await rt.dispose()
  const real = Math.min(size, settings.real)
  const memories = generateMemories(real, SEED)
  const baseOf = new Int32Array(size)
  const rng = makeRng(SEED + 2)
  for (let n = 0; n < size; n++) {
    if (n < real) {
      baseOf[n] = n
      continue
    }
    const b = rng.int(real)
    baseOf[n] = b
    variantOf(memories[b]!, rng)
    for (let d = 0; d < dims; d++) rng.gaussian()
  }
  // The same queries as the run that loaded the folder (same seed), embedded again.
  const qrng = makeRng(SEED + 1)
  const queries: Array<Query> = []
  for (let i = 0; i < settings.queries + WARMUP; i++) {
    const source = qrng.int(Math.min(real, ...settings.sizes))
    const text = queryFrom(memories[source]!, qrng)
    const [v] = await embedRuntime.runPromise(embedder.embed([text]))
    queries.push({ text, source, vector: Float32Array.from(v!) })
  }
  const base = { memories, queries } as unknown as BaseSet
  console.log(`BrainOps memory search over HTTP on a kept data folder (${dataDir}): ${fmtInt(size)} memories, ${fmtInt(real)} real`)
  console.log(`load avg:  ${os.loadavg().map((x) => x.toFixed(2)).join(" ")} (1/5/15 min) at the start`)
  const http = await httpPhase({ dataDir, size, all, dims, idIndex: new Map(ids.map((id, n) => [id, n])), baseOf, readable, base })
  printHttp(http)
  console.log(`total run time: ${seconds(performance.now() - started)}; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`)
}

const main = async () => {
  const started = performance.now()
  const removed = sweepStaleTempDirs()
  if (removed > 0) progress(`removed ${removed} stale temp folder(s) of killed runs`)
  const cpus = os.cpus()
  const pgliteVersion = (JSON.parse(readFileSync(new URL("../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8")) as { version: string }).version

  embedRuntime = ManagedRuntime.make(LocalEmbedder.pipe(Layer.provideMerge(quiet)))
  const embedder = await embedRuntime.runPromise(Embedder)
  progress(`embedding the base set: ${fmtInt(baseCount)} generated memories with ${embedder.model} (${embedder.dimensions} dims)...`)
  const base = await embedBase(embedder)
  const memEmbedded = memory()

  console.log("BrainOps memory search on the embedded profile (PGlite + pgvector, local embedder)")
  console.log(`machine:   ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "unknown"}), ${mb(os.totalmem())} RAM, node ${process.version}, ${os.platform()} ${os.arch()}`)
  console.log(`stack:     @electric-sql/pglite ${pgliteVersion} + pgvector; model ${base.model} (${base.dims} dims)`)
  console.log(`load avg:  ${os.loadavg().map((x) => x.toFixed(2)).join(" ")} (1/5/15 min) after embedding; other processes on this machine share its ${cpus.length} CPUs`)
  console.log(`settings:  sizes ${settings.sizes.map(fmtInt).join(", ")}; ${settings.queries} queries per mode (+${WARMUP} warm-up); real base set ${fmtInt(baseCount)}; sigma ${settings.sigma}; seed ${SEED}`)
  console.log("")
  console.log("== Embedding throughput (Embedder port, local model, batches of 32) ==")
  console.log(`arrival order:   ${base.arrivalPerSecond.toFixed(1)} memories/s (${(1000 / base.arrivalPerSecond).toFixed(1)} ms a memory) over ${fmtInt(base.arrivalCount)} generated memories of 1-4 sentences (avg ${(base.chunks.reduce((a, c) => a + c.length, 0) / base.chunks.length).toFixed(0)} chars)`)
  if (base.sortedCount > 0) console.log(`length-sorted:   ${base.sortedPerSecond.toFixed(1)} memories/s over the other ${fmtInt(base.sortedCount)} (batches of similar length pad less)`)
  console.log(`base set:        ${fmtInt(baseCount)} memories embedded in ${seconds(base.totalMs)}; embedMemory() on memory 0 gives the same chunk and vector (cosine ${base.checkCosine.toFixed(6)})`)
  console.log(`neighbours:      a real memory's cosine to its nearest other real memory: p10 ${base.realNeighbour[0].toFixed(3)}, p50 ${base.realNeighbour[1].toFixed(3)}, p90 ${base.realNeighbour[2].toFixed(3)} (200 sampled)`)
  console.log(`query embedding: one at a time, mean ${fmtMs(base.queryEmbedMs.mean)} ms, p50 ${fmtMs(base.queryEmbedMs.p50)} ms, p99 ${fmtMs(base.queryEmbedMs.p99)} ms (part of every vector/hybrid search below)`)
  console.log(`queries:         e.g. ${base.queries.slice(0, 4).map((q) => JSON.stringify(q.text)).join(", ")}`)
  console.log(`memory:          ${fmtMemory(memEmbedded)} (model loaded, base vectors held)`)

  const results: Array<SizeResult> = []
  for (const size of settings.sizes) {
    const r = await runSize(size, base)
    printSize(r)
    results.push(r)
  }

  console.log("")
  console.log("== Summary ==")
  const ms = (r: SizeResult, mode: string) => {
    const l = r.latency.find((x) => x.mode === mode)
    return l === undefined ? "-" : `${fmtMs(l.s.p50)} / ${fmtMs(l.s.p99)}`
  }
  console.log(table(
    ["N (real + synthetic)", "load s", "HNSW build s", "ms/new memory", "vector p50/p99 ms", "keyword p50/p99 ms", "hybrid p50/p99 ms", "index p50 ms", "exact SQL p50 ms", `recall@${LIMIT}`, `recall ef ${EF_SWEEP.slice(1).join("/")}`, "rss after load", "rss after search"],
    results.map((r) => [
      `${fmtInt(r.size)} (${fmtInt(r.real)} + ${fmtInt(r.synthetic)})`, (r.loadMs / 1000).toFixed(1), (r.buildMs / 1000).toFixed(1),
      (r.tail.ms / Math.max(1, r.tail.count)).toFixed(2),
      ms(r, "vector"), ms(r, "keyword"), ms(r, "hybrid"), fmtMs(r.indexOnly.p50), fmtMs(r.exactSql.p50), r.recallTieAware.toFixed(3),
      r.efSweep.slice(1).map((e) => e.recall.toFixed(2)).join("/"),
      mb(r.memLoaded.rss), mb(r.memSearched.rss)
    ])
  ).join("\n"))
  console.log(`embedding: ${base.arrivalPerSecond.toFixed(1)} memories/s in arrival-order batches of 32, ${base.sortedCount > 0 ? `${base.sortedPerSecond.toFixed(1)} length-sorted` : "no length-sorted sample"}; query embedding p50 ${fmtMs(base.queryEmbedMs.p50)} ms`)
  console.log(`real vs synthetic: the first min(N, ${fmtInt(baseCount)}) memories of each size are embedded by the model; the rest are near-duplicates ` +
    `(a swapped name/day/month/city and a prefix; vector = normalize(base + N(0, ${settings.sigma}²)) per dimension, not embedded)`)
  console.log(`total run time: ${seconds(performance.now() - started)}; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`)
}

// Watchdog: 20 min + 40 min per 100,000 memories loaded, or --timeout-min (a busy 2-core machine took 30 min
// to embed the base set and over 60 min to load and index 100,000).
const watchdogMs = (settings.timeoutMin ?? (20 + Math.ceil(settings.sizes.reduce((a, b) => a + b, 0) / 100_000) * 40)) * 60_000
setTimeout(() => {
  console.error(`bench: overall timeout (${watchdogMs / 60_000} min)`)
  void cleanup().finally(() => process.exit(3))
}, watchdogMs).unref()
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true
    console.error(`bench: ${signal}, cleaning up`)
    void cleanup().finally(() => process.exit(130))
  })
}

try {
  await (settings.reuse !== undefined ? reuseMain(settings.reuse) : main())
  await cleanup()
  process.exit(0)
} catch (error) {
  if (!interrupted) console.error("bench failed:", error instanceof Error ? error.stack ?? error.message : error)
  await cleanup()
  process.exit(interrupted ? 130 : 1)
}
