// The authenticated read path on the server profile: GET /auth/me by access token and by API key,
// req/s and p99 (autocannon). The SQL statements of one such read are counted, exactly, by
// tests/http/auth-statements.test.ts (it prints them).
// With --compare <folder of another checkout>, that checkout's server runs the same, interleaved
// (round by round), each on a database of its own: "before" vs "after" in one run.
// Usage: npx tsx bench/auth-path.ts [--compare DIR] [--duration S] [--connections N] [--rounds N]
//        (BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres: a user that may CREATE DATABASE)
import { spawn, type ChildProcess } from "node:child_process"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { parseArgs } from "node:util"
import { createBenchDatabase, serverProfileEnv } from "./support/postgres.js"
import { autocannon, type AutocannonResult, freePort, HOST, positiveInt, sleep } from "./support/server.js"

const { values: args } = parseArgs({
  options: { compare: { type: "string" }, duration: { type: "string" }, connections: { type: "string" }, rounds: { type: "string" } }
})
const duration = positiveInt("duration", args.duration, 5)
const connections = positiveInt("connections", args.connections, 20)
const rounds = positiveInt("rounds", args.rounds, 2)
const adminUrl = process.env["BENCH_DATABASE_URL"] ?? "postgresql://postgres@127.0.0.1:5432/postgres"
const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli")

interface Target {
  readonly name: string
  readonly dir: string
  child?: ChildProcess
  base?: string
  database?: Awaited<ReturnType<typeof createBenchDatabase>>
  token?: string
  key?: string
  readonly runs: Array<{ readonly kind: string; readonly result: AutocannonResult }>
}

const start = async (target: Target) => {
  target.database = await createBenchDatabase(adminUrl)
  const port = await freePort()
  const env = {
    ...process.env,
    ...serverProfileEnv(target.database.url),
    HOST,
    PORT: String(port),
    LOG_LEVEL: "warning",
    WORKER_IN_API: "false",
    // No background polling beside the requests measured.
    MAIL_POLL_INTERVAL: "1 hour",
    RATE_LIMIT_API_PER_MINUTE: "100000000",
    EMBEDDINGS_URL: "http://127.0.0.1:9/unused",
    EMBEDDINGS_MODEL: "unused",
    EMBEDDINGS_DIMENSIONS: "16"
  }
  const child = spawn(process.execPath, [TSX_CLI, "bootstrap/server.ts"], { cwd: target.dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout?.on("data", (c) => (output = (output + c).slice(-4000)))
  child.stderr?.on("data", (c) => (output = (output + c).slice(-4000)))
  target.child = child
  target.base = `http://${HOST}:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${target.name} exited during startup:\n${output}`)
    if (Date.now() > deadline) throw new Error(`${target.name}: no /health in 120 s:\n${output}`)
    try {
      if ((await fetch(`${target.base}/health`)).status === 200) break
    } catch { /* not yet */ }
    await sleep(250)
  }
  const json = async (p: string, body: unknown, token?: string) => {
    const res = await fetch(`${target.base}/api/v1${p}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body)
    })
    if (res.status >= 300) throw new Error(`${target.name} POST ${p}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<any>
  }
  const credentials = { email: "bench@example.com", password: "bench-password-123" }
  await json("/auth/register", { ...credentials, name: "Bench" })
  target.token = (await json("/auth/login", credentials)).access_token
  target.key = (await json("/auth/api-keys", { name: "bench", scopes: ["projects:read"] }, target.token)).key
}

const stop = async (target: Target) => {
  const pid = target.child?.pid
  if (pid !== undefined) {
    try { process.kill(-pid, "SIGTERM") } catch { /* gone */ }
    await sleep(1500)
    try { process.kill(-pid, "SIGKILL") } catch { /* gone */ }
  }
  await target.database?.drop()
}

const main = async () => {
  const targets: Array<Target> = [{ name: "this checkout", dir: process.cwd(), runs: [] }]
  if (args.compare !== undefined) targets.unshift({ name: `compare: ${args.compare}`, dir: path.resolve(args.compare), runs: [] })
  try {
    for (const t of targets) await start(t)
    for (let round = 0; round < rounds; round++) {
      for (const t of targets) {
        for (const [kind, credential] of [["token", t.token!], ["api key", t.key!]] as const) {
          const result = await autocannon({ url: `${t.base}/api/v1/auth/me`, connections, duration, pipelining: 1, headers: { authorization: `Bearer ${credential}` } })
          t.runs.push({ kind, result })
        }
      }
    }
  } finally {
    for (const t of targets) await stop(t)
  }
  console.log(`GET /auth/me on the server profile (PostgreSQL), autocannon -c${connections} -d${duration}, ${rounds} interleaved rounds; ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  for (const t of targets) {
    console.log(`\n${t.name} (${t.dir})`)
    for (const kind of ["token", "api key"]) {
      const runs = t.runs.filter((r) => r.kind === kind).map((r) => r.result)
      console.log(`  ${kind.padEnd(7)}: req/s ${runs.map((r) => r.requests.average.toFixed(0)).join(" / ")}  p99 ms ${runs.map((r) => r.latency.p99).join(" / ")}  non-2xx ${runs.reduce((n, r) => n + r.non2xx, 0)}`)
    }
  }
}

await main()
