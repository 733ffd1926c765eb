// HTTP throughput on loopback: a bare node:http server vs the real BrainOps server (/health, /auth/me).
// Usage: npx tsx bench/http.ts [--connections N] [--duration S]   (or BENCH_CONNECTIONS / BENCH_DURATION)
import * as os from "node:os"
import { parseArgs } from "node:util"
import { Worker } from "node:worker_threads"
import { autocannon, type AutocannonResult, failedRun, guard, HOST, positiveInt, postJson, run, startServer } from "./support/server.js"

const WARMUP_SECONDS = 2

const { values: args } = parseArgs({ options: { connections: { type: "string" }, duration: { type: "string" } } })
const connections = positiveInt("connections", args.connections ?? process.env["BENCH_CONNECTIONS"], 10)
const duration = positiveInt("duration", args.duration ?? process.env["BENCH_DURATION"], 10)

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

interface Row { readonly name: string; readonly result: AutocannonResult }
const measure = async (name: string, url: string, headers: Record<string, string> = {}): Promise<Row> => {
  process.stderr.write(`${name}: warm-up ${WARMUP_SECONDS} s, then ${duration} s...\n`)
  await autocannon({ url, connections, duration: WARMUP_SECONDS, pipelining: 1, headers })
  const result = await autocannon({ url, connections, duration, pipelining: 1, headers })
  if (failedRun(result)) {
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
  // One user from one address: lift the per-user API limit, or most of the run measures 429s.
  const { base } = await startServer({ RATE_LIMIT_API_PER_MINUTE: "1000000" })
  const bare = await startBareServer()
  try {
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
    const failed = rows.filter(({ result: r }) => failedRun(r))
    if (failed.length > 0) throw new Error(`non-2xx responses or errors on: ${failed.map((r) => r.name).join(", ")}`)
  } finally {
    await bare.worker.terminate()
  }
}

// Startup (60 s) + 3 targets × (warm-up + run) + slack; never hang.
guard(60 + 3 * (WARMUP_SECONDS + duration) + 60)
await run(main)
