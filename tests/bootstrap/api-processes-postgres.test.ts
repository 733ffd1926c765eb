import * as fs from "node:fs"
import { PgClient } from "@effect/sql-pg"
import { Effect, ManagedRuntime, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startFakeEmbeddings } from "../support/fake-embeddings.js"
import { freePort, killTree, type Spawned, spawnEntry, waitForHealth } from "../support/process.js"
import { testRedisUrl } from "../support/redis.js"
import { scratchDir } from "../support/scratch.js"

/**
 * Two API processes on the server profile share one PostgreSQL database. Authentication reads the
 * session (or key) on every request and writes nothing, so a revocation on one process is refused
 * by the other on its very next request; the per-user request limit is counted in each process and
 * shared in batches (or in Redis), so the user is refused by both once their requests across both
 * reach it.
 */
const adminUrl = process.env.TEST_DATABASE_URL || undefined
const redisUrl = await testRedisUrl()
const filesDir = scratchDir("api-processes-")
const database = `brainops_api_processes_${Date.now()}_${process.pid}`
const running: Array<Spawned> = []
const cleanups: Array<() => Promise<void> | void> = []
const LIMIT = 10

const admin = async (statement: string) => {
  const runtime = ManagedRuntime.make(PgClient.layer({ url: Redacted.make(adminUrl!), maxConnections: 1 }))
  try {
    await runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)))
  } finally {
    await runtime.dispose()
  }
}

afterAll(async () => {
  for (const p of running) killTree(p)
  for (const c of cleanups.reverse()) await c()
  fs.rmSync(filesDir, { recursive: true, force: true })
})

type Api = { readonly call: (path: string, init?: { method?: string; token?: string; json?: unknown }) => Promise<{ status: number; body: any }> }

const startApi = async (env: Record<string, string>): Promise<Api> => {
  const port = await freePort()
  const server = spawnEntry("server", [], { ...env, PORT: String(port), HOST: "127.0.0.1", WORKER_IN_API: "false" })
  running.push(server)
  await waitForHealth(port, 90_000)
  return {
    call: async (path, init = {}) => {
      const headers: Record<string, string> = {}
      if (init.token !== undefined) headers["authorization"] = `Bearer ${init.token}`
      if (init.json !== undefined) headers["content-type"] = "application/json"
      const response = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
        method: init.method ?? "GET",
        headers,
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) })
      })
      const text = await response.text()
      return { status: response.status, body: text === "" ? null : JSON.parse(text) }
    }
  }
}

/** Fixed one-minute windows: start a counting test early in a minute, so no window ends in its middle. */
const awayFromMinuteEdge = async () => {
  const intoMinute = Date.now() % 60_000
  if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 200))
}

const signUp = async (api: Api, name: string) => {
  const credentials = { email: `${name}-${crypto.randomUUID().slice(0, 8)}@example.com`, password: "a two-process test password" }
  expect((await api.call("/auth/register", { method: "POST", json: { ...credentials, name } })).status).toBe(201)
  const login = await api.call("/auth/login", { method: "POST", json: credentials })
  expect(login.status).toBe(200)
  return login.body.access_token as string
}

/** Sends requests to `api` until one is refused with 429, or the deadline passes; answers the statuses. */
const untilLimited = async (api: Api, token: string, deadlineMs: number) => {
  const statuses: Array<number> = []
  const deadline = Date.now() + deadlineMs
  while (Date.now() < deadline) {
    const { status } = await api.call("/auth/me", { token })
    statuses.push(status)
    if (status !== 200) break
    await new Promise((r) => setTimeout(r, 100))
  }
  return statuses
}

if (adminUrl === undefined) console.warn("TEST_DATABASE_URL is not set: two API processes on one PostgreSQL were NOT checked (CI sets it).")

const profiles = [
  { name: "limits in PostgreSQL, counted in process and added in batches", env: {} as Record<string, string> },
  ...(redisUrl === undefined ? [] : [{ name: "limits in Redis", env: { REDIS_URL: redisUrl } }])
]

describe.runIf(adminUrl !== undefined).each(profiles)("two API processes on one PostgreSQL ($name)", ({ env: profileEnv }) => {
  let a: Api
  let b: Api
  beforeAll(async () => {
    const name = `${database}_${profileEnv["REDIS_URL"] === undefined ? "sql" : "redis"}`
    await admin(`CREATE DATABASE "${name}"`)
    cleanups.push(() => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
    const url = new URL(adminUrl!)
    url.pathname = `/${name}`
    const embeddings = await startFakeEmbeddings(16)
    cleanups.push(embeddings.close)
    const env = {
      ...profileEnv,
      DATABASE_URL: url.toString(),
      JWT_SECRET: "api-processes-test-signing-key-0123456789",
      ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"),
      FILES_DIR: filesDir,
      EMBEDDINGS_URL: embeddings.url,
      EMBEDDINGS_MODEL: "test-hash-16",
      EMBEDDINGS_DIMENSIONS: "16",
      RATE_LIMIT_API_PER_MINUTE: String(LIMIT),
      RATE_LIMIT_FLUSH_INTERVAL: "200 millis",
      // Per-address limits (every request here comes from 127.0.0.1, and Redis may be shared by other runs) out of the way.
      RATE_LIMIT_LOGIN_PER_MINUTE: "100000",
      RATE_LIMIT_REGISTER_PER_HOUR: "100000"
    }
    // One after the other: the first runs the migrations, the second finds none pending.
    a = await startApi(env)
    b = await startApi(env)
  }, 240_000)

  it("a logout and a key revoked on B are refused on A at the very next request", async () => {
    const token = await signUp(a, "revoke")
    expect((await a.call("/auth/me", { token })).status).toBe(200)
    const created = await a.call("/auth/api-keys", { method: "POST", token, json: { name: "bot", scopes: ["projects:read"] } })
    expect(created.status).toBe(201)
    expect((await a.call("/auth/me", { token: created.body.key })).status).toBe(200)

    expect((await b.call(`/auth/api-keys/${created.body.id}`, { method: "DELETE", token })).status).toBe(204)
    expect((await a.call("/auth/me", { token: created.body.key })).status).toBe(401)

    expect((await b.call("/auth/logout", { method: "POST", token })).status).toBe(204)
    expect((await a.call("/auth/me", { token })).status).toBe(401)
    expect((await b.call("/auth/me", { token })).status).toBe(401)
  }, 60_000)

  it("the per-user request limit is reached across both processes: both answer 429", async () => {
    const token = await signUp(a, "limited")
    await awayFromMinuteEdge()
    // LIMIT requests, half on each process: all within the user's limit.
    const first: Array<number> = []
    for (let i = 0; i < LIMIT; i++) first.push((await (i % 2 === 0 ? a : b).call("/auth/me", { token })).status)
    expect(first).toEqual(Array.from({ length: LIMIT }, () => 200))
    // Each process counted only LIMIT / 2 itself: it refuses once it has seen the other's counts
    // (within a batch interval, 200 ms here; the deadline is generous for a busy machine).
    const onA = await untilLimited(a, token, 20_000)
    const onB = await untilLimited(b, token, 20_000)
    expect(onA.at(-1)).toBe(429)
    expect(onB.at(-1)).toBe(429)
    // The documented bound: limit + (processes - 1) * limit at the very most.
    expect(first.length + onA.filter((s) => s === 200).length + onB.filter((s) => s === 200).length).toBeLessThanOrEqual(2 * LIMIT)
  }, 60_000)
})
