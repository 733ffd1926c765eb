// Shared by the HTTP benchmarks: the real server in a child process on a fresh embedded data folder,
// autocannon (which ships no types), and small helpers.
import { spawn, type ChildProcess } from "node:child_process"
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
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

// Servers run on this very Node (the project's Node 24: the npm scripts put it first on PATH), never
// a `node` looked up again, which could be the system's older one (argon2 crashes it).

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

/** Whether any process of the group led by `pid` is still alive. */
export const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * The CPU time (user + system, ms) used so far by the live processes of a process group, from /proc
 * (Linux; 10 ms ticks). Unlike requests per second it hardly moves when other work shares the machine.
 */
export const groupCpuMs = (pgid: number): number => {
  let ticks = 0
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ") // after "pid (comm) "
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]) // pgrp; utime, stime
    } catch { /* gone meanwhile */ }
  }
  return ticks * 10
}

export interface RunningServer {
  /** The process group of the server (its tsx and node processes). */
  readonly pid: number
  readonly base: string
  readonly stop: () => Promise<void>
  /** Date.now() when the process was spawned (where a CPU profile of it starts, give or take Node's boot). */
  readonly spawnedAt: number
}

interface Running { readonly child: ChildProcess; readonly dataDir?: string }
const running = new Set<Running>()

const stopOne = async (current: Running) => {
  if (!running.delete(current)) return
  const pid = current.child.pid
  if (pid !== undefined) {
    if (groupAlive(pid)) process.kill(-pid, "SIGTERM")
    for (let i = 0; i < 50 && groupAlive(pid); i++) await sleep(100)
    if (groupAlive(pid)) process.kill(-pid, "SIGKILL")
  }
  if (current.dataDir !== undefined) rmSync(current.dataDir, { recursive: true, force: true })
}

/** Stops every process started here (and removes their data folders); safe to call twice, and from signal handlers. */
export const stopServer = async () => {
  await Promise.all([...running].map(stopOne))
}

/** Node's arguments that run a TypeScript script of the bench through tsx's loader (it resolves from the checkout it runs in). */
export const throughTsx = (script: string): ReadonlyArray<string> => ["--import", "tsx", script]

/**
 * What `npm start` runs in the checkout at `root`: its launcher (bootstrap/launch.mjs, which runs the
 * sources built by esbuild) where it has one, else, in an older checkout, the server's source through tsx.
 * The two are not the same code: tsx keeps every function's name (esbuild's keepNames), which costs
 * each closure made per request a call.
 */
export const serverEntry = (root: string): ReadonlyArray<string> =>
  existsSync(path.join(root, "bootstrap", "launch.mjs")) ? ["bootstrap/launch.mjs", "server"] : throughTsx("bootstrap/server.ts")

/**
 * Spawns Node with `args` (on this Node) in a process group of its own, so it and whatever it starts
 * stop together, and tracks it so that stopServer and the guard end it. Keeps the last output.
 */
export const spawnTracked = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv, options: { readonly cwd?: string; readonly dataDir?: string; readonly profileDir?: string } = {}) => {
  const argv = options.profileDir === undefined ? [...args] : ["--cpu-prof", "--cpu-prof-dir", options.profileDir, ...args]
  const command = process.execPath
  const child = spawn(command, argv, { env, detached: true, stdio: ["ignore", "pipe", "pipe"], ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) })
  const entry: Running = { child, ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}) }
  running.add(entry)
  const state = { output: "" }
  // BENCH_SERVER_LOG=<file>: the server's whole output (JSON log lines at LOG_LEVEL, "warning" unless set) goes there too.
  const logFile = process.env["BENCH_SERVER_LOG"]
  const keep = (chunk: Buffer) => {
    state.output = (state.output + chunk.toString()).slice(-4000)
    if (logFile !== undefined) appendFileSync(logFile, chunk)
  }
  child.stdout?.on("data", keep)
  child.stderr?.on("data", keep)
  return { child, state, stop: () => stopOne(entry) }
}

export interface ServerOptions {
  /** Another checkout of BrainOps to run (e.g. a worktree at an older commit); this one by default. */
  readonly root?: string
  /** BENCH_CPU_PROF's profiles of this server go to <BENCH_CPU_PROF>/<label>. */
  readonly label?: string
  /** An existing data folder, kept when the server stops, instead of a fresh one that is removed. */
  readonly dataDir?: string
  /** How long to wait for /health (60 s unless given). */
  readonly timeoutMs?: number
}

/**
 * Starts the server as `npm start` runs it (serverEntry; the embedded profile: DATABASE_URL is removed unless given here) on a free
 * loopback port and waits for /health. Several may run at once.
 */
export const startServer = async (extraEnv: Record<string, string> = {}, options: ServerOptions = {}): Promise<RunningServer> => {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "brainops-bench-"))
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env, HOST, PORT: String(port), BRAINOPS_DATA_DIR: dataDir, LOG_LEVEL: "warning", ...extraEnv }
  // The embedded profile unless the benchmark asks for a database itself.
  if (!("DATABASE_URL" in extraEnv)) delete env["DATABASE_URL"]
  // BENCH_CPU_PROF=<folder>: the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools,
  // or print its top frames with bench/support/profile-top.ts).
  const profile = process.env["BENCH_CPU_PROF"]
  const profileDir = profile === undefined ? undefined : options.label === undefined ? profile : path.join(profile, options.label)
  const spawnedAt = Date.now()
  const { child, state, stop } = spawnTracked(serverEntry(options.root ?? process.cwd()), env, {
    ...(options.dataDir === undefined ? { dataDir } : {}),
    ...(options.root !== undefined ? { cwd: options.root } : {}),
    ...(profileDir !== undefined ? { profileDir } : {})
  })
  const base = `http://${HOST}:${port}`
  const timeoutMs = options.timeoutMs ?? 60_000
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`BrainOps exited during startup:\n${state.output}`)
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) return { pid: child.pid!, base, stop, spawnedAt }
    } catch { /* not listening yet */ }
    await sleep(250)
  }
  throw new Error(`BrainOps did not answer GET /health with 200 within ${timeoutMs / 1000} s:\n${state.output}`)
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
