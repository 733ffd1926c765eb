import * as fs from "node:fs"
import { PgClient } from "@effect/sql-pg"
import { Effect, ManagedRuntime, Redacted, Schema } from "effect"
import { SqlClient, SqlSchema } from "effect/sql"
import { afterAll, expect, it } from "vitest"
import { startFakeEmbeddings } from "../support/fake-embeddings.js"
import { freePort, killTree, type Spawned, spawnEntry, waitForHealth } from "../support/process.js"
import { scratchDir } from "../support/scratch.js"

/**
 * Several `npm run worker` processes against one PostgreSQL share the queue: every job runs once
 * (one attempt each, exact counts), and the work spreads over the processes.
 */
const adminUrl = process.env.TEST_DATABASE_URL || undefined
const filesDir = scratchDir("workers-")
const database = `brainops_workers_${Date.now()}_${process.pid}`
const running: Array<Spawned> = []
const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const p of running) killTree(p)
  for (const c of cleanups) await c()
  fs.rmSync(filesDir, { recursive: true, force: true })
})

/** A client on `url` for as long as the test needs it (one connection). */
const connect = (url: string) => {
  const runtime = ManagedRuntime.make(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 }))
  return { run: runtime.runPromise, close: () => runtime.dispose() }
}

const admin = async (statement: string) => {
  const client = connect(adminUrl!)
  try {
    await client.run(Effect.gen(function*() {
      yield* (yield* SqlClient.SqlClient).unsafe(statement)
    }))
  } finally {
    await client.close()
  }
}

const JobRow = Schema.Struct({
  status: Schema.String,
  attempts: Schema.Number,
  // null until a worker claims the job, and the result until it has finished
  locked_by: Schema.NullOr(Schema.String),
  result: Schema.NullOr(Schema.Struct({ imported: Schema.Number }))
})
const importJobs = SqlSchema.findAll({
  Request: Schema.Void,
  Result: JobRow,
  execute: () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      return yield* sql`SELECT status, attempts, locked_by, result FROM jobs WHERE type = 'memory.import'`
    })
})
const memoryCounts = SqlSchema.findOne({
  Request: Schema.Void,
  Result: Schema.Struct({ n: Schema.Number, distinct_n: Schema.Number }),
  execute: () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      return yield* sql`SELECT count(*)::int AS n, count(DISTINCT content)::int AS distinct_n FROM memories`
    })
})

if (adminUrl === undefined) console.warn("TEST_DATABASE_URL is not set: several workers on one PostgreSQL were NOT checked (CI sets it).")

it.runIf(adminUrl !== undefined)("three worker processes on one PostgreSQL run each of 24 import jobs exactly once", async () => {
  await admin(`CREATE DATABASE "${database}"`)
  cleanups.push(() => admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).then(() => undefined))
  const url = new URL(adminUrl!)
  url.pathname = `/${database}`
  const embeddings = await startFakeEmbeddings(16)
  cleanups.push(embeddings.close)
  const env = {
    DATABASE_URL: url.toString(),
    JWT_SECRET: "workers-test-signing-key-0123456789abcdef",
    ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64"),
    FILES_DIR: filesDir,
    EMBEDDINGS_URL: embeddings.url,
    EMBEDDINGS_MODEL: "test-hash-16",
    EMBEDDINGS_DIMENSIONS: "16",
    JOB_POLL_INTERVAL: "100 millis",
    RATE_LIMIT_API_PER_MINUTE: "100000",
    // One user queues all 24 jobs at once: above the default cap on a user's active jobs.
    RATE_LIMIT_JOBS_PER_HOUR: "1000",
    JOBS_MAX_ACTIVE_PER_USER: "1000"
  }
  // The API alone (no workers in it) queues the jobs.
  const port = await freePort()
  const api = spawnEntry("server", [], { ...env, PORT: String(port), HOST: "127.0.0.1", WORKER_IN_API: "false" })
  running.push(api)
  await waitForHealth(port, 90_000)
  const call = (p: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}${p}`, init)
  const credentials = { email: "w@example.com", password: "a worker test password" }
  await call("/api/v1/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...credentials, name: "W" }) })
  const token = ((await (await call("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(credentials) })).json()) as any).access_token
  // The three workers first, each up and polling, so that the jobs are shared out and not all
  // taken by whichever process happens to boot first.
  const workers = Array.from({ length: 3 }, () => spawnEntry("worker", [], { ...env, WORKER_CONCURRENCY: "2" }))
  running.push(...workers)
  const started = Date.now() + 90_000
  while (!workers.every((w) => w.output().includes("workers started")) && Date.now() < started) await new Promise((r) => setTimeout(r, 200))
  expect(workers.map((w) => w.output().includes("workers started"))).toEqual([true, true, true])
  const jobIds: Array<string> = []
  for (let j = 0; j < 24; j++) {
    const body = Array.from({ length: 20 }, (_, i) => JSON.stringify({ content: `file ${j} record ${i} about subject ${i % 7}` })).join("\n")
    const accepted = await call("/api/v1/memories/import", { method: "POST", headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${token}` }, body })
    jobIds.push(((await accepted.json()) as any).job_id)
  }

  const db = connect(url.toString())
  cleanups.unshift(db.close)
  const deadline = Date.now() + 180_000
  let rows: ReadonlyArray<typeof JobRow.Type> = []
  while (Date.now() < deadline) {
    rows = await db.run(importJobs(undefined))
    if (rows.length === 24 && rows.every((r) => r.status === "succeeded" || r.status === "failed")) break
    await new Promise((r) => setTimeout(r, 300))
  }
  expect(rows.map((r) => r.status)).toEqual(Array.from({ length: 24 }, () => "succeeded"))
  expect(rows.map((r) => r.attempts)).toEqual(Array.from({ length: 24 }, () => 1))
  expect(rows.map((r) => r.result?.imported)).toEqual(Array.from({ length: 24 }, () => 20))
  const processes = new Set(rows.map((r) => (r.locked_by ?? "").split(":").slice(0, 2).join(":")))
  expect(processes.size).toBeGreaterThanOrEqual(2)
  const memories = await db.run(memoryCounts(undefined))
  expect(memories).toEqual({ n: 480, distinct_n: 480 })
}, 300_000)
