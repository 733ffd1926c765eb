// HTTP throughput on loopback: a bare node:http server vs the real BrainOps server (/health, /auth/me).
// Usage: npx tsx bench/http.ts [--connections N] [--duration S]   (or BENCH_CONNECTIONS / BENCH_DURATION)
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { parseArgs } from "node:util"
import { Worker } from "node:worker_threads"

// autocannon ships no types: only what this script reads.
interface Histogram { readonly average: number; readonly p50: number; readonly p99: number }
interface AutocannonResult {
  readonly requests: Histogram & { readonly total: number; readonly sent: number }
  readonly latency: Histogram
  readonly non2xx: number
  readonly errors: number
  readonly timeouts: number
  readonly statusCodeStats: Record<string, { count: number }>
}
type Autocannon = (opts: {
  url: string
  connections: number
  duration: number
  pipelining: 1
  headers?: Record<string, string>
}) => Promise<AutocannonResult>
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon

const HOST = "127.0.0.1"
const WARMUP_SECONDS = 2

const positiveInt = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === "") return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return n
}
const { values: args } = parseArgs({ options: { connections: { type: "string" }, duration: { type: "string" } } })
const connections = positiveInt("connections", args.connections ?? process.env["BENCH_CONNECTIONS"], 10)
const duration = positiveInt("duration", args.duration ?? process.env["BENCH_DURATION"], 10)

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer().once("error", reject)
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// The bare server runs in a worker thread: on the main thread it would share the event loop with
// autocannon's client and be measured slower than it is (BrainOps has its own process).
const bareServerCode = `
const http = require("node:http")
const { parentPort } = require("node:worker_threads")
const body = JSON.stringify({ status: "ok" })
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
  res.end(body)
})
server.listen(0, "${HOST}", () => parentPort.postMessage(server.address().port))
`
const startBareServer = () =>
  new Promise<{ worker: Worker; port: number }>((resolve, reject) => {
    const worker = new Worker(bareServerCode, { eval: true })
    worker.once("message", (port: number) => resolve({ worker, port }))
    worker.once("error", reject)
  })

let child: ChildProcess | undefined
let childOutput = ""
let dataDir: string | undefined

const startBrainOps = (port: number, dir: string) => {
  const env: NodeJS.ProcessEnv = { ...process.env, HOST, PORT: String(port), BRAINOPS_DATA_DIR: dir, LOG_LEVEL: "warning" }
  delete env["DATABASE_URL"] // always the embedded (PGlite) profile in the fresh folder
  // detached: own process group, so tsx and the node process it starts can be killed together.
  const proc = spawn("node_modules/.bin/tsx", ["bootstrap/server.ts"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  const keep = (chunk: Buffer) => { childOutput = (childOutput + chunk.toString()).slice(-4000) }
  proc.stdout?.on("data", keep)
  proc.stderr?.on("data", keep)
  return proc
}

const groupAlive = (pid: number) => {
  try { process.kill(-pid, 0); return true } catch { return false }
}
const stopBrainOps = async () => {
  const proc = child
  child = undefined
  if (proc?.pid === undefined) return
  const pid = proc.pid
  if (groupAlive(pid)) process.kill(-pid, "SIGTERM")
  for (let i = 0; i < 50 && groupAlive(pid); i++) await sleep(100)
  if (groupAlive(pid)) process.kill(-pid, "SIGKILL")
}
const cleanup = async () => {
  await stopBrainOps()
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  dataDir = undefined
}

const waitForHealth = async (base: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`BrainOps exited during startup:\n${childOutput}`)
    }
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) return
    } catch { /* not listening yet */ }
    await sleep(250)
  }
  throw new Error(`BrainOps did not answer GET /health with 200 within ${timeoutMs / 1000} s:\n${childOutput}`)
}

const postJson = async (url: string, body: unknown, expected: number) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000)
  })
  const text = await res.text()
  if (res.status !== expected) throw new Error(`POST ${url}: expected ${expected}, got ${res.status}: ${text}`)
  return JSON.parse(text) as unknown
}

interface Row { readonly name: string; readonly result: AutocannonResult }
const measure = async (name: string, url: string, headers: Record<string, string> = {}): Promise<Row> => {
  process.stderr.write(`${name}: warm-up ${WARMUP_SECONDS} s, then ${duration} s...\n`)
  await autocannon({ url, connections, duration: WARMUP_SECONDS, pipelining: 1, headers })
  const result = await autocannon({ url, connections, duration, pipelining: 1, headers })
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    process.stderr.write(`  WARNING ${name}: non2xx=${result.non2xx} errors=${result.errors} timeouts=${result.timeouts} status=${JSON.stringify(result.statusCodeStats)}\n`)
  }
  return { name, result }
}

const printReport = (rows: ReadonlyArray<Row>) => {
  const header = ["target", "req/s avg", "p50 ms", "p99 ms", "requests", "non-2xx", "errors"]
  const lines = rows.map(({ name, result: r }) =>
    [name, r.requests.average.toFixed(0), String(r.latency.p50), String(r.latency.p99), String(r.requests.total), String(r.non2xx), String(r.errors + r.timeouts)]
  )
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)))
  const fmt = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")
  const cpus = os.cpus()
  console.log(`HTTP throughput on loopback (${HOST}), autocannon 8.0.0`)
  console.log(`machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "unknown"}), node ${process.version}, ${os.platform()} ${os.arch()}`)
  console.log(`settings: connections=${connections}, duration=${duration} s per target (+${WARMUP_SECONDS} s warm-up), pipelining=1`)
  console.log("")
  console.log(fmt(header))
  console.log(fmt(widths.map((w) => "-".repeat(w))))
  for (const l of lines) console.log(fmt(l))
  console.log("(latency has 1 ms resolution; errors includes timeouts)")
  const [bare, ...others] = rows
  if (bare === undefined) return
  console.log("")
  for (const row of others) {
    const ratio = row.result.requests.average / bare.result.requests.average
    console.log(`${row.name} vs ${bare.name}: ${ratio.toFixed(2)}x req/s`)
  }
}

const main = async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "brainops-bench-"))
  const port = await freePort()
  const base = `http://${HOST}:${port}`
  child = startBrainOps(port, dataDir)
  const bare = await startBareServer()
  try {
    await waitForHealth(base, 60_000)
    const credentials = { email: "bench@example.com", password: "bench-password-123" }
    await postJson(`${base}/api/v1/auth/register`, { ...credentials, name: "Bench" }, 201)
    const login = (await postJson(`${base}/api/v1/auth/login`, credentials, 200)) as { access_token?: unknown }
    if (typeof login.access_token !== "string") throw new Error("login answered without an access_token")
    const rows = [
      await measure("bare node:http", `http://${HOST}:${bare.port}/`),
      await measure("BrainOps /health", `${base}/health`),
      await measure("BrainOps /auth/me", `${base}/api/v1/auth/me`, { authorization: `Bearer ${login.access_token}` })
    ]
    printReport(rows)
    const failed = rows.filter(({ result: r }) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0 || r.requests.total === 0)
    if (failed.length > 0) throw new Error(`non-2xx responses or errors on: ${failed.map((r) => r.name).join(", ")}`)
  } finally {
    await bare.worker.terminate()
  }
}

// Watchdog: startup (60 s) + 3 targets × (warm-up + run) + slack; never hang.
const watchdog = setTimeout(() => {
  console.error("bench: overall timeout")
  void cleanup().finally(() => process.exit(3))
}, (60 + 3 * (WARMUP_SECONDS + duration) + 60) * 1000)
watchdog.unref()
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)))
}

try {
  await main()
  await cleanup()
  process.exit(0)
} catch (error) {
  console.error("bench failed:", error instanceof Error ? error.message : error)
  await cleanup()
  process.exit(1)
}
