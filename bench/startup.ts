// Embedded cold start: the time from spawning the checkout's start command (its `npm start` without npm) on an
// empty data folder to GET /ready answering 200, then a restart on the same folder, with the phases
// seen in the server's log lines (arrival time of each message's first line, from the spawn).
//
//   npm run bench:startup                                  3 runs of this checkout
//   npm run bench:startup -- --runs 5 --checkout /work/base --checkout .
//                                                          interleaved: base, this, base, this, …
//
// Every run starts from a fresh temporary data folder and ends with the server stopped (SIGTERM to its
// process group) and the folder removed.
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { freePort, groupAlive, HOST, positiveInt, sleep } from "./support/server.js"

interface Options { readonly runs: number; readonly checkouts: ReadonlyArray<string>; readonly logLevel: string }

const parseArgs = (argv: ReadonlyArray<string>): Options => {
  let runs = positiveInt("STARTUP_RUNS", process.env["STARTUP_RUNS"], 3)
  const checkouts: Array<string> = []
  let logLevel = "debug"
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = argv[i + 1]
    if (arg === "--runs") (runs = positiveInt("--runs", value, 3), i++)
    else if (arg === "--checkout" && value !== undefined) (checkouts.push(path.resolve(value)), i++)
    else if (arg === "--log-level" && value !== undefined) (logLevel = value, i++)
    else throw new Error(`unknown argument ${arg} (takes --runs N, --checkout DIR (repeatable), --log-level LEVEL)`)
  }
  return { runs, checkouts: checkouts.length > 0 ? checkouts : [process.cwd()], logLevel }
}

interface Start {
  /** Milliseconds from spawn to the first HTTP answer of any status, and to /ready 200. */
  readonly firstAnswer: number
  readonly ready: number
  /** CPU seconds (user + system, every thread) the server's processes had used by then: less noisy than the wall clock on a busy machine. */
  readonly cpu: number | undefined
  /** Each log message's first line, in order of arrival: [ms from spawn, message]. */
  readonly phases: ReadonlyArray<readonly [number, string]>
}

/** User + system CPU seconds of every process in the group (Linux /proc; clock ticks of 1/100 s). */
const groupCpuSeconds = (pgid: number): number | undefined => {
  try {
    let ticks = 0
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
        // Fields after the command name (in parentheses, which may hold spaces): state is field 3.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
        if (Number(fields[2]) !== pgid) continue
        ticks += Number(fields[11]) + Number(fields[12])
      } catch { /* the process ended meanwhile */ }
    }
    return ticks / 100
  } catch {
    return undefined
  }
}


const stopGroup = async (pid: number | undefined) => {
  if (pid === undefined) return
  if (groupAlive(pid)) process.kill(-pid, "SIGTERM")
  for (let i = 0; i < 100 && groupAlive(pid); i++) await sleep(100)
  if (groupAlive(pid)) process.kill(-pid, "SIGKILL")
}

let current: number | undefined
const cleanupOnSignal = () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void stopGroup(current).finally(() => process.exit(130)))
  }
}

/**
 * What the checkout's `npm start` runs (its package.json), without npm: `tsx FILE` (older checkouts)
 * through its own tsx command line, `node ARGS` as it is; both on this very Node (never a `node`
 * looked up on PATH: it may be the system's older one).
 */
const startCommand = (checkout: string): ReadonlyArray<string> => {
  const manifest = JSON.parse(readFileSync(path.join(checkout, "package.json"), "utf8")) as { scripts?: Record<string, string> }
  const [program, ...rest] = (manifest.scripts?.["start"] ?? "").trim().split(/\s+/)
  if (program === "tsx") return [process.execPath, createRequire(path.join(checkout, "package.json")).resolve("tsx/cli"), ...rest]
  if (program === "node") return [process.execPath, ...rest]
  throw new Error(`${checkout}: its start script is neither tsx nor node: ${manifest.scripts?.["start"]}`)
}

/** One start of the checkout's server on `dataDir`, until /ready answers 200; then it is stopped. */
const startOnce = async (checkout: string, dataDir: string, logLevel: string): Promise<Start> => {
  const [command, ...commandArgs] = startCommand(checkout)
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env, HOST, PORT: String(port), BRAINOPS_DATA_DIR: dataDir, LOG_LEVEL: logLevel }
  delete env["DATABASE_URL"]
  const started = performance.now()
  const child = spawn(command!, commandArgs, { cwd: checkout, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  current = child.pid
  const phases: Array<readonly [number, string]> = []
  const seen = new Set<string>()
  let tail = ""
  let pending = ""
  child.stdout.on("data", (chunk: Buffer) => {
    const at = performance.now() - started
    tail = (tail + chunk.toString()).slice(-4000)
    pending += chunk.toString()
    const lines = pending.split("\n")
    pending = lines.pop() ?? ""
    for (const line of lines) {
      try {
        const entry = JSON.parse(line) as { message?: unknown }
        const message = Array.isArray(entry.message) ? String(entry.message[0]) : String(entry.message)
        // The access log of our own /ready polls says nothing about startup.
        if (message.startsWith("GET /ready") || message === "request" || seen.has(message)) continue
        seen.add(message)
        phases.push([at, message])
      } catch { /* not a JSON line */ }
    }
  })
  child.stderr.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000)))
  const base = `http://${HOST}:${port}`
  let firstAnswer: number | undefined
  try {
    const deadline = Date.now() + 120_000
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited during startup:\n${tail}`)
      try {
        const res = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2000) })
        firstAnswer ??= performance.now() - started
        await res.arrayBuffer()
        if (res.status === 200) {
          const ready = performance.now() - started
          return { firstAnswer, ready, cpu: child.pid === undefined ? undefined : groupCpuSeconds(child.pid), phases }
        }
      } catch { /* not listening yet */ }
      await sleep(25)
    }
    throw new Error(`GET /ready did not answer 200 within 120 s:\n${tail}`)
  } finally {
    await stopGroup(child.pid)
    current = undefined
  }
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

const printStart = (label: string, start: Start) => {
  const cpu = start.cpu === undefined ? "" : `, ${start.cpu.toFixed(2)} CPU s`
  console.log(`  ${label}: /ready 200 at ${fmt(start.ready)} (first HTTP answer ${fmt(start.firstAnswer)}${cpu})`)
  for (const [at, message] of start.phases) console.log(`      ${fmt(at).padStart(8)}  ${message}`)
}

const main = async () => {
  const options = parseArgs(process.argv.slice(2))
  cleanupOnSignal()
  console.log(`startup: ${options.runs} run(s) of ${options.checkouts.join(", ")}; load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`)
  type Series = { wall: Array<number>; cpu: Array<number> }
  const results = new Map<string, { fresh: Series; restart: Series }>(
    options.checkouts.map((c) => [c, { fresh: { wall: [], cpu: [] }, restart: { wall: [], cpu: [] } }])
  )
  for (let run = 1; run <= options.runs; run++) {
    for (const checkout of options.checkouts) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "brainops-startup-"))
      try {
        console.log(`run ${run} ${checkout}`)
        const fresh = await startOnce(checkout, dataDir, options.logLevel)
        printStart("empty folder", fresh)
        const restart = await startOnce(checkout, dataDir, options.logLevel)
        printStart("restart     ", restart)
        const r = results.get(checkout)!
        r.fresh.wall.push(fresh.ready)
        r.restart.wall.push(restart.ready)
        if (fresh.cpu !== undefined) r.fresh.cpu.push(fresh.cpu)
        if (restart.cpu !== undefined) r.restart.cpu.push(restart.cpu)
      } finally {
        rmSync(dataDir, { recursive: true, force: true })
      }
    }
  }
  console.log(`\nspawn → GET /ready 200 (median of ${options.runs}; every run in brackets); load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`)
  const line = (name: string, series: Series) => {
    const cpu = series.cpu.length === 0 ? "" : `;  CPU ${median(series.cpu).toFixed(2)} s  [${series.cpu.map((c) => c.toFixed(2)).join(", ")}]`
    console.log(`    ${name} ${fmt(median(series.wall))}  [${series.wall.map(fmt).join(", ")}]${cpu}`)
  }
  for (const [checkout, r] of results) {
    console.log(`  ${checkout}`)
    line("empty folder", r.fresh)
    line("restart     ", r.restart)
  }
}

main().then(() => process.exit(0), (error) => {
  console.error("bench failed:", error instanceof Error ? error.message : error)
  void stopGroup(current).finally(() => process.exit(1))
})
