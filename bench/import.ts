// Import and export throughput of the memory jobs, through the real use-cases and SQL adapters.
// Usage: npx tsx bench/import.ts [--records N] [--embedder local|local-thread|hash] [--workers W] [--postgres URL]
//   default: 100,000 records on a fresh PGlite (pgvector) in a temp folder, removed at the end;
//   --postgres URL: a fresh database brainops_bench_<random> on that server (exact SQL vector index
//   when it has no pgvector), dropped at the end. URL is an admin connection (CREATE DATABASE rights).
//   --embedder local: the embedded profile's sentence encoder in W worker threads, as the server runs
//   it (W: --workers, else EMBEDDING_WORKERS, else the server's default: cores - 1) (slow: use fewer
//   records); --embedder local-thread: the same model on the calling thread (how this bench ran before);
//   --embedder hash (default): 16-dimensional word-hash vectors computed in-process, to measure the
//   import machinery itself; the embedding share is measured either way.
// Prints records/s for import and export, the share of import time spent in the embedder, and the
// worker's resident memory sampled through the import (peak, and at each quarter: it should stay flat);
// the process's RSS includes the embedding threads, whose own heaps are printed beside it.
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import { availableParallelism } from "node:os"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import { parseArgs } from "node:util"
import { DateTime, Effect, Layer, ManagedRuntime, Option, Redacted, References, Stream } from "effect"
import { runOnce, JobHandlers } from "../application/jobs/runner.js"
import { EXPORT_JOB, IMPORT_JOB, runExport, runImport, startExport, startImport } from "../application/memory/transfer.js"
import { Embedder } from "../application/ports/embedder.js"
import { JobQueue } from "../application/ports/job-queue.js"
import { UserRepository } from "../application/ports/user-repository.js"
import { ContentHashNode } from "../adapters/crypto/content-hash.node.js"
import { IdsUuidV7 } from "../adapters/crypto/ids.uuid-v7.js"
import { embedderOverPool, LocalEmbedder, makeLocalEmbeddingPool } from "../adapters/embeddings/local-use.js"
import type { EmbeddingPool } from "../adapters/embeddings/worker-pool.js"
import { FileStoreLocal } from "../adapters/local-files/file-store.local.js"
import { FileLinksHmac } from "../adapters/local-files/signed-links.js"
import { PgliteClient, PgServerClient } from "../adapters/sql/clients.js"
import { JobQueueSql } from "../adapters/sql/job-queue.sql.js"
import { CollectionRepositorySql, MemoryRepositorySql } from "../adapters/sql/memory-repository.sql.js"
import { MemoryShareRepositorySql } from "../adapters/sql/memory-share-repository.sql.js"
import { MigrationsLive } from "../adapters/sql/migrator.js"
import { UnitOfWorkSql } from "../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../adapters/sql/user-repository.sql.js"
import { VectorIndexExactSql } from "../adapters/sql/vector-index.exact.js"
import { VectorIndexPgvector } from "../adapters/sql/vector-index.pgvector.js"
import { ALL_SCOPES, type Actor } from "../domain/identity/actor.js"
import { Email, User, UserId } from "../domain/identity/user.js"
import { normalize } from "../domain/memory/vectors.js"
import { databaseHasPgvector } from "../bootstrap/memory.js"
import { createBenchDatabase } from "./support/postgres.js"

const { values: args } = parseArgs({ options: { records: { type: "string" }, embedder: { type: "string" }, workers: { type: "string" }, postgres: { type: "string" } } })
const records = Number(args.records ?? 100_000)
const embedderKind = args.embedder ?? "hash"
const workers = Number(args.workers ?? process.env["EMBEDDING_WORKERS"] ?? Math.max(1, availableParallelism() - 1))
if (!Number.isInteger(records) || records <= 0 || !["local", "local-thread", "hash"].includes(embedderKind) || !Number.isInteger(workers) || workers <= 0) {
  console.error("usage: npx tsx bench/import.ts [--records N] [--embedder local|local-thread|hash] [--workers W] [--postgres URL]")
  process.exit(2)
}

const work = mkdtempSync(path.join(os.tmpdir(), "brainops-bench-import-"))

/** The embedder, timed: the wall time during which a call runs is added up, to report the share spent embedding. */
let embedMillis = 0
let embedding = 0
let embedSince = 0
const HashEmbedder = Layer.succeed(Embedder, {
  model: "bench-hash-16",
  dimensions: 16,
  embed: (texts) =>
    Effect.sync(() =>
      texts.map((text) => {
        const v = Array.from({ length: 16 }, () => 0)
        for (const word of text.toLowerCase().match(/\w+/g) ?? []) {
          let h = 2166136261
          for (const c of word) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
          v[(h >>> 0) % 16]! += 1
        }
        return normalize(v)
      }))
})
/** The pool's workers, kept to sample their memory. */
let pool: EmbeddingPool | undefined
const LocalPool = Layer.effect(
  Embedder,
  Effect.map(makeLocalEmbeddingPool({ workers, queueLimit: 512 }), (p) => {
    pool = p
    return embedderOverPool(p)
  })
)
const Timed = Layer.effect(
  Embedder,
  Effect.map(Embedder, (inner) => ({
    ...inner,
    embed: (texts: ReadonlyArray<string>) =>
      Effect.suspend(() => {
        // Calls overlap when the import is pipelined: the wall time during which any call runs.
        if (embedding++ === 0) embedSince = performance.now()
        return Effect.ensuring(inner.embed(texts), Effect.sync(() => {
          if (--embedding === 0) embedMillis += performance.now() - embedSince
        }))
      })
  }))
).pipe(Layer.provide(embedderKind === "local" ? LocalPool : embedderKind === "local-thread" ? LocalEmbedder : HashEmbedder))

const main = async () => {
  const server = args.postgres ? await createBenchDatabase(args.postgres) : undefined
  const database = MigrationsLive.pipe(
    Layer.provideMerge(server ? PgServerClient({ url: Redacted.make(server.url), poolSize: 4 }) : PgliteClient(path.join(work, "data")))
  )
  const index = Layer.unwrap(
    Effect.gen(function*() {
      const embedder = yield* Embedder
      const options = { model: embedder.model, dimensions: embedder.dimensions }
      return (yield* databaseHasPgvector) ? VectorIndexPgvector(options) : VectorIndexExactSql(options)
    })
  )
  const services = Layer.mergeAll(
    index,
    MemoryRepositorySql,
    CollectionRepositorySql,
    MemoryShareRepositorySql,
    UserRepositorySql,
    UnitOfWorkSql,
    JobQueueSql,
    IdsUuidV7,
    ContentHashNode,
    FileStoreLocal(path.join(work, "files")).pipe(Layer.provide(FileLinksHmac({ secret: Redacted.make("bench"), publicBaseUrl: "http://localhost" })))
  ).pipe(Layer.provideMerge(Timed), Layer.provideMerge(database), Layer.provideMerge(Layer.succeed(References.MinimumLogLevel, "Warn")))
  const runtime = ManagedRuntime.make(services)
  try {
    const target = server ? `PostgreSQL (${server.url.replace(/\/\/[^@]*@/, "//")})` : "PGlite (embedded profile)"
    console.log(`import/export bench: ${records.toLocaleString("en")} records, ${target}, embedder ${embedderKind}${embedderKind === "local" ? ` (${workers} worker threads)` : ""}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`)
    const actor = await runtime.runPromise(Effect.gen(function*() {
      const now = yield* DateTime.now
      const user = new User({ id: UserId.make(crypto.randomUUID()), email: Email.make(`bench-${Date.now()}@example.com`), name: "Bench", role: "user", passwordHash: "x", emailVerifiedAt: Option.none(), createdAt: now, updatedAt: now })
      yield* (yield* UserRepository).insert(user)
      return { userId: user.id, role: "user", sessionId: Option.none(), apiKeyId: Option.none(), scopes: new Set(ALL_SCOPES) } satisfies Actor
    }))
    const topics = ["garden", "invoice", "travel", "recipe", "meeting", "car", "health", "music", "books", "code"]
    const lines = Stream.range(0, records - 1).pipe(
      Stream.map((i) => `${JSON.stringify({ content: `Note ${i}: about ${topics[i % 10]} and ${topics[(i * 7) % 10]}, item ${i % 997}, written for the import bench.`, tags: [topics[i % 10]!], external_id: `b-${i}` })}\n`),
      Stream.encodeText
    )
    const run = <A, E>(effect: Effect.Effect<A, E, any>) => runtime.runPromise(effect as Effect.Effect<A, E, never>)

    // Import: upload (streamed to the file store), then the job run by one worker in this process.
    const rssSamples: Array<{ at: number; done: number; rss: number; workerHeaps: number }> = []
    const uploadStart = performance.now()
    const job = await run(startImport(actor, { body: lines, format: Effect.succeed("jsonl" as const), collectionId: Option.none() }))
    const uploadMs = performance.now() - uploadStart
    const context = await run(Effect.context<any>())
    const jobHandlers = Layer.succeed(JobHandlers, {
      [IMPORT_JOB]: (r) => Effect.provide(runImport(r), context),
      [EXPORT_JOB]: (r) => Effect.provide(runExport(r), context)
    })
    const sampler = setInterval(() => {
      const heaps = pool === undefined ? Effect.succeed([]) : pool.memory()
      void run(Effect.all([Effect.flatMap(JobQueue, (q) => q.findById(job.id)), heaps])).then(([j, h]) => {
        rssSamples.push({
          at: performance.now(),
          done: Option.match(j, { onNone: () => 0, onSome: (x) => x.progressDone }),
          rss: process.memoryUsage().rss,
          workerHeaps: h.reduce((sum, w) => sum + w.heapUsed + w.external, 0)
        })
      })
    }, 250)
    const importStart = performance.now()
    embedMillis = 0
    await run(runOnce({ workerId: "bench", concurrency: 1, pollInterval: "1 second", lease: "10 minutes" }).pipe(Effect.provide(jobHandlers)))
    const importMs = performance.now() - importStart
    clearInterval(sampler)
    const imported = await run(Effect.flatMap(JobQueue, (q) => Effect.map(q.findById(job.id), Option.getOrThrow)))
    if (imported.status !== "succeeded") throw new Error(`import ${imported.status}: ${JSON.stringify(imported.errors.slice(-3))}`)

    // Export of everything just imported.
    const exportJob = await run(startExport(actor, { format: "jsonl", collectionId: Option.none() }))
    const exportStart = performance.now()
    await run(runOnce({ workerId: "bench", concurrency: 1, pollInterval: "1 second", lease: "10 minutes" }).pipe(Effect.provide(jobHandlers)))
    const exportMs = performance.now() - exportStart
    const exported = await run(Effect.flatMap(JobQueue, (q) => Effect.map(q.findById(exportJob.id), Option.getOrThrow)))
    const exportResult = exported.result as { count: number; bytes: number }

    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`
    const quarter = (q: number) => rssSamples.find((s) => s.done >= (records * q) / 4) ?? rssSamples.at(-1)
    console.log(`  upload to the file store:  ${(uploadMs / 1000).toFixed(1)} s`)
    console.log(`  import job:                ${(importMs / 1000).toFixed(1)} s = ${Math.round(records / (importMs / 1000)).toLocaleString("en")} records/s (result ${JSON.stringify(imported.result)})`)
    console.log(`  time in the embedder:      ${(embedMillis / 1000).toFixed(1)} s = ${((embedMillis / importMs) * 100).toFixed(0)}% of the import`)
    console.log(`  worker RSS during import:  peak ${mb(Math.max(...rssSamples.map((s) => s.rss)))}; at 25/50/75/100%: ${[1, 2, 3, 4].map((q) => mb(quarter(q)?.rss ?? 0)).join(" / ")}`)
    if (pool !== undefined) {
      console.log(`  embedding threads' heaps:  peak ${mb(Math.max(...rssSamples.map((s) => s.workerHeaps)))}; at 25/50/75/100%: ${[1, 2, 3, 4].map((q) => mb(quarter(q)?.workerHeaps ?? 0)).join(" / ")} (V8 heap + external, all ${workers} threads)`)
    }
    console.log(`  export job:                ${(exportMs / 1000).toFixed(1)} s = ${Math.round(exportResult.count / (exportMs / 1000)).toLocaleString("en")} records/s (${exportResult.count.toLocaleString("en")} records, ${mb(exportResult.bytes)})`)
  } finally {
    await runtime.dispose()
    await server?.drop()
    rmSync(work, { recursive: true, force: true })
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error)
  process.exit(1)
})
