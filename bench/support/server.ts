// Shared by the HTTP benchmarks: the real server in a child process on a fresh embedded data folder,
// autocannon (which ships no types), and small helpers.
import { spawn, type ChildProcess } from "node:child_process"
import { appendFileSync, mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

export const HOST = "127.0.0.1"

interface Histogram { readonly average: number; readonly p50: number; readonly p99: number }
export interface AutocannonResult {
  readonly requests: Histogram & { readonly total: number }
  readonly latency: Histogram
  readonly non2xx: number
  readonly errors: number
  readonly timeouts: number
  readonly statusCodeStats: Record<string, { count: number }>
}
type Autocannon = (opts: {
  url: string; connections: number; duration: number; pipelining: 1
  method?: "GET" | "POST"; headers?: Record<string, string>; body?: string
}) => Promise<AutocannonResult>
const require = createRequire(import.meta.url)
export const autocannon = require("autocannon") as Autocannon

// tsx's command line on this very Node (the project's Node 24: the npm scripts put it first on PATH),
// never a `node` looked up again, which could be the system's older one (argon2 crashes it).
const TSX_CLI = require.resolve("tsx/cli")

export const failedRun = (r: AutocannonResult) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0 || r.requests.total === 0
export const warnIfFailed = (name: string, r: AutocannonResult) => {
  if (failedRun(r)) process.stderr.write(`  WARNING ${name}: non2xx=${r.non2xx} errors=${r.errors} timeouts=${r.timeouts} status=${JSON.stringify(r.statusCodeStats)}\n`)
}

export const positiveInt = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === "") return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return n
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer().once("error", reject)
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

export interface RunningServer {
  readonly base: string
  readonly stop: () => Promise<void>
}

let running: { child: ChildProcess; dataDir: string; removeDir: boolean } | undefined

/** Stops the server and removes its data folder; safe to call twice, and from signal handlers. */
export const stopServer = async () => {
  const current = running
  running = undefined
  if (current === undefined) return
  const pid = current.child.pid
  if (pid !== undefined) {
    if (groupAlive(pid)) process.kill(-pid, "SIGTERM")
    for (let i = 0; i < 50 && groupAlive(pid); i++) await sleep(100)
    if (groupAlive(pid)) process.kill(-pid, "SIGKILL")
  }
  if (current.removeDir) rmSync(current.dataDir, { recursive: true, force: true })
}

/**
 * Starts `bootstrap/server.ts` (the embedded profile: DATABASE_URL is removed unless given here) on a free
 * loopback port and waits for /health. It runs in its own process group, so tsx and the node process
 * under it stop together. `dataDir`: an existing data folder (kept when the server stops) instead of a
 * fresh one; `cwd`: another checkout whose server to run (e.g. a worktree of the base commit).
 */
export const startServer = async (
  extraEnv: Record<string, string> = {},
  options: { readonly dataDir?: string; readonly cwd?: string; readonly timeoutMs?: number } = {}
): Promise<RunningServer> => {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "brainops-bench-"))
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env, HOST, PORT: String(port), BRAINOPS_DATA_DIR: dataDir, LOG_LEVEL: "warning", ...extraEnv }
  // The embedded profile unless the benchmark asks for a database itself.
  if (!("DATABASE_URL" in extraEnv)) delete env["DATABASE_URL"]
  // BENCH_CPU_PROF=<folder>: the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profile = process.env["BENCH_CPU_PROF"]
  const [command, argv] = profile === undefined
    ? [process.execPath, [TSX_CLI, "bootstrap/server.ts"]]
    : [process.execPath, ["--cpu-prof", "--cpu-prof-dir", profile, "--import", "tsx", "bootstrap/server.ts"]]
  const child = spawn(command, argv, { env, detached: true, stdio: ["ignore", "pipe", "pipe"], ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) })
  running = { child, dataDir, removeDir: options.dataDir === undefined }
  let output = ""
  // BENCH_SERVER_LOG=<file>: the server's whole output (JSON log lines at LOG_LEVEL, "warning" unless set) goes there too.
  const logFile = process.env["BENCH_SERVER_LOG"]
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000)
    if (logFile !== undefined) appendFileSync(logFile, chunk)
  }
  child.stdout?.on("data", keep)
  child.stderr?.on("data", keep)
  const base = `http://${HOST}:${port}`
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`BrainOps exited during startup:\n${output}`)
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) return { base, stop: stopServer }
    } catch { /* not listening yet */ }
    await sleep(250)
  }
  throw new Error(`BrainOps did not answer GET /health with 200 within ${(options.timeoutMs ?? 60_000) / 1000} s:\n${output}`)
}

/** POST JSON: the status, the text and the time to the full answer. */
export const post = async (url: string, body: unknown) => {
  const started = performance.now()
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000)
  })
  const text = await res.text()
  return { status: res.status, text, ms: performance.now() - started }
}

export const postJson = async (url: string, body: unknown, expected: number) => {
  const { status, text } = await post(url, body)
  if (status !== expected) throw new Error(`POST ${url}: expected ${expected}, got ${status}: ${text}`)
  return JSON.parse(text) as unknown
}

/** Ends the process on its own after `seconds` and on SIGINT/SIGTERM, always stopping the server first. */
export const guard = (seconds: number) => {
  setTimeout(() => {
    console.error("bench: overall timeout")
    void stopServer().finally(() => process.exit(3))
  }, seconds * 1000).unref()
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void stopServer().finally(() => process.exit(130)))
  }
}

/** Runs the benchmark, stops the server, and exits 0 or 1. */
export const run = async (main: () => Promise<void>) => {
  try {
    await main()
    await stopServer()
    process.exit(0)
  } catch (error) {
    console.error("bench failed:", error instanceof Error ? error.message : error)
    await stopServer()
    process.exit(1)
  }
}
