// The request path against bare Node, in one interleaved run (issue 14): BrainOps on the server profile
// (a fresh database on PostgreSQL) and on the embedded profile, against a bare node:http + pg + jose
// server (bench/support/bare-server.ts, a process of its own) doing the same authorised reads on the
// server profile's database. Rounds alternate the systems target by target, so a busy moment of the
// machine hits every system alike.
//
// Targets: GET /api/v1/projects/{id}/tasks?limit=50 and ?limit=1 (one project seeded with --tasks tasks
// through the API), GET /api/v1/auth/me, GET /health. Prints req/s, p50 and p99 per system and target,
// and BrainOps / bare for each. Any non-2xx answer or error fails the run (exit 1).
//
// Usage: npm run bench:http -- [--connections 20] [--duration 5] [--rounds 3] [--warmup 2] [--tasks 60]
//          [--postgres URL] [--before DIR] [--systems bare,server,embedded,...] [--targets tasks50,tasks1,me,health]
//   --postgres: an admin URL (CREATE DATABASE) of the PostgreSQL to use (BENCH_DATABASE_URL;
//               default postgresql://postgres@127.0.0.1:5432/test); each server-profile system gets a
//               fresh database there, dropped at the end.
//   --before DIR: also runs the BrainOps checkout in DIR (e.g. a worktree at an older commit, with its
//               node_modules) as systems before-server and before-embedded, interleaved with the rest.
//   --systems minimal: a minimal Effect 4 HttpApi server (bench/support/minimal-httpapi.ts, /health only,
//               no middleware): the framework's ceiling for /health, measured in the same run.
//   BENCH_CPU_PROF=<folder>: every BrainOps writes a CPU profile to <folder>/<system> when it stops; the
//               run prints each target's measured window in seconds after the spawn, for
//               `npx tsx bench/support/profile-top.ts FILE --from S --to S`.
import { randomBytes } from "node:crypto"
import * as os from "node:os"
import * as path from "node:path"
import { isDeepStrictEqual, parseArgs } from "node:util"
import { call, expectStatus, pool } from "./support/clients.js"
import { createBenchDatabase, serverProfileEnv } from "./support/postgres.js"
import { autocannon, type AutocannonResult, failedRun, groupCpuMs, guard, HOST, positiveInt, run, type RunningServer, sleep, spawnTracked, startServer, throughTsx } from "./support/server.js"

const { values: args } = parseArgs({
  options: {
    connections: { type: "string" },
    duration: { type: "string" },
    rounds: { type: "string" },
    warmup: { type: "string" },
    tasks: { type: "string" },
    postgres: { type: "string" },
    before: { type: "string" },
    systems: { type: "string" },
    targets: { type: "string" }
  }
})
const connections = positiveInt("connections", args.connections ?? process.env["BENCH_CONNECTIONS"], 20)
const duration = positiveInt("duration", args.duration ?? process.env["BENCH_DURATION"], 5)
const rounds = positiveInt("rounds", args.rounds ?? process.env["BENCH_ROUNDS"], 3)
const warmup = positiveInt("warmup", args.warmup, 2)
const taskCount = positiveInt("tasks", args.tasks, 60)
if (taskCount < 51) throw new Error("--tasks must be at least 51 (a page of 50 with a next page)")
const adminUrl = args.postgres ?? (process.env["BENCH_DATABASE_URL"] || "postgresql://postgres@127.0.0.1:5432/test")
const beforeDir = args.before === undefined ? undefined : path.resolve(args.before)

type SystemName = "bare" | "minimal" | "server" | "embedded" | "before-server" | "before-embedded"
const ALL_TARGETS = ["tasks50", "tasks1", "me", "health"] as const
type TargetName = typeof ALL_TARGETS[number]
const list = <A extends string>(raw: string | undefined, all: ReadonlyArray<A>, fallback: ReadonlyArray<A>): ReadonlyArray<A> => {
  if (raw === undefined) return fallback
  const names = raw.split(",").map((s) => s.trim()).filter((s) => s !== "")
  for (const n of names) if (!all.includes(n as A)) throw new Error(`unknown name "${n}" (one of ${all.join(", ")})`)
  return names as Array<A>
}
const ALL_SYSTEMS: ReadonlyArray<SystemName> = ["bare", "minimal", "server", "embedded", "before-server", "before-embedded"]
const systems = list(args.systems, ALL_SYSTEMS, beforeDir === undefined ? ["bare", "server", "embedded"] : ALL_SYSTEMS)
if (systems.some((s) => s.startsWith("before-")) && beforeDir === undefined) throw new Error("before-* systems need --before DIR")
const targets = list(args.targets, ALL_TARGETS, ALL_TARGETS)
const ISSUE_TARGET: Partial<Record<TargetName, number>> = { tasks50: 0.7, me: 0.6, health: 0.45 }
const LABEL: Record<SystemName, string> = {
  "bare": "bare node:http+pg+jose",
  "minimal": "minimal Effect HttpApi (ceiling)",
  "server": "BrainOps server (PostgreSQL)",
  "embedded": "BrainOps embedded (PGlite)",
  "before-server": "before: server (PostgreSQL)",
  "before-embedded": "before: embedded (PGlite)"
}

// ---------------------------------------------------------------------------------------------------
// Systems

interface Seeded { readonly token: string; readonly projectId: string }
interface System { readonly name: SystemName; readonly base: string; readonly pid: number; readonly seeded: Seeded; readonly spawnedAt?: number }

const drops: Array<() => Promise<void>> = []

/** One user, logged in, owning one project of taskCount tasks (created through the API, one after the other). */
const seed = async (base: string): Promise<Seeded> => {
  const email = `bench-${randomBytes(4).toString("hex")}@example.com`
  const password = "bench-password-123"
  const user = await expectStatus("register", call(`${base}/api/v1/auth/register`, { json: { email, password, name: "Bench" } }), 201)
  const login = await expectStatus("login", call(`${base}/api/v1/auth/login`, { json: { email, password } }), 200)
  const token = login.access_token as string
  const project = await expectStatus("create project", call(`${base}/api/v1/projects`, { token, json: { name: "Bench project", description: "tasks for bench/http.ts" } }), 201)
  const priorities = ["low", "medium", "high", "urgent"]
  const statuses = ["todo", "in_progress", "in_review", "done"]
  await pool(Array.from({ length: taskCount }, (_, i) => i), 4, (i) =>
    expectStatus(`create task ${i}`, call(`${base}/api/v1/projects/${project.id}/tasks`, {
      token,
      json: {
        title: `Task ${i}: refactor the invoice export`,
        description: `Step ${i} of the export rework. The CSV writer must stream rows and keep the column order of the old report.`,
        status: statuses[i % statuses.length],
        priority: priorities[i % priorities.length],
        assignee_ids: i % 2 === 0 ? [user.id] : [],
        labels: i % 3 === 0 ? ["backend", "performance"] : ["docs"],
        ...(i % 4 === 0 ? { due_date: "2031-06-15" } : {})
      }
    }), 201))
  return { token, projectId: project.id as string }
}

const startBrainOps = async (name: SystemName, root: string | undefined, onPostgres: boolean): Promise<{ server: RunningServer; env: Record<string, string> }> => {
  const env: Record<string, string> = { RATE_LIMIT_API_PER_MINUTE: "100000000" } // one user from one address: lift the per-user API limit
  if (onPostgres) {
    const database = await createBenchDatabase(adminUrl)
    drops.push(database.drop)
    Object.assign(env, serverProfileEnv(database.url))
  }
  process.stderr.write(`starting ${name}${root !== undefined ? ` from ${root}` : ""}...\n`)
  const server = await startServer(env, { label: name, ...(root !== undefined ? { root } : {}) })
  return { server, env }
}

const startBare = (env: Record<string, string>) =>
  startListening("bench/support/bare-server.ts", { DATABASE_URL: env["DATABASE_URL"]!, JWT_SECRET: env["JWT_SECRET"]! })

const startListening = async (script: string, env: Record<string, string>) => {
  const { child, state } = spawnTracked(throughTsx(script), { ...process.env, HOST, PORT: "0", ...env })
  for (let i = 0; i < 300; i++) {
    const port = /listening (\d+)/.exec(state.output)?.[1]
    if (port !== undefined) return { base: `http://${HOST}:${port}`, pid: child.pid! }
    if (child.exitCode !== null || child.signalCode !== null) break
    await sleep(100)
  }
  throw new Error(`${script} did not start:\n${state.output}`)
}

const targetUrl = (system: System, target: TargetName) => {
  switch (target) {
    case "tasks50":
      return `${system.base}/api/v1/projects/${system.seeded.projectId}/tasks?limit=50`
    case "tasks1":
      return `${system.base}/api/v1/projects/${system.seeded.projectId}/tasks?limit=1`
    case "me":
      return `${system.base}/api/v1/auth/me`
    case "health":
      return `${system.base}/health`
  }
}
/** The minimal HttpApi server (the framework's ceiling) answers /health only. */
const serves = (system: System, target: TargetName) => system.name !== "minimal" || target === "health"
const headersFor = (system: System, target: TargetName): Record<string, string> =>
  target === "health" ? {} : { authorization: `Bearer ${system.seeded.token}` }

/** One request per target and system before any load: 200, the page sizes, and the bare server's JSON equal to BrainOps's. */
const checkAnswers = async (all: ReadonlyArray<System>) => {
  const bodies = new Map<string, unknown>()
  for (const system of all) {
    for (const target of targets) {
      if (!serves(system, target)) continue
      const r = await call(targetUrl(system, target), { headers: headersFor(system, target) })
      if (r.status !== 200) throw new Error(`${system.name} ${target}: expected 200, got ${r.status}: ${JSON.stringify(r.body)}`)
      const expectedItems = target === "tasks50" ? 50 : target === "tasks1" ? 1 : undefined
      if (expectedItems !== undefined && (r.body.items?.length !== expectedItems || typeof r.body.next_cursor !== "string")) {
        throw new Error(`${system.name} ${target}: expected ${expectedItems} items and a next_cursor, got ${JSON.stringify(r.body).slice(0, 300)}`)
      }
      bodies.set(`${system.name} ${target}`, r.body)
    }
  }
  if (!systems.includes("bare") || !systems.includes("server")) return
  for (const target of targets) {
    const bare = bodies.get(`bare ${target}`)
    const brainops = bodies.get(`server ${target}`)
    if (!isDeepStrictEqual(bare, brainops)) {
      throw new Error(`the bare server's ${target} answer differs from BrainOps's:\nbare:     ${JSON.stringify(bare).slice(0, 600)}\nBrainOps: ${JSON.stringify(brainops).slice(0, 600)}`)
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Measuring and reporting

interface Sample { readonly result: AutocannonResult; readonly cpuMsPerRequest: number; readonly fromS?: number; readonly toS?: number }
const samples = new Map<string, Array<Sample>>()

const once = async (system: System, target: TargetName, seconds: number) => {
  const result = await autocannon({ url: targetUrl(system, target), connections, duration: seconds, pipelining: 1, headers: headersFor(system, target) })
  if (failedRun(result)) {
    throw new Error(`${system.name} ${target}: non2xx=${result.non2xx} errors=${result.errors} timeouts=${result.timeouts} status=${JSON.stringify(result.statusCodeStats)}`)
  }
  return result
}

const measure = async (system: System, target: TargetName) => {
  const startedAt = Date.now()
  const cpuBefore = groupCpuMs(system.pid)
  const result = await once(system, target, duration)
  const cpuMsPerRequest = (groupCpuMs(system.pid) - cpuBefore) / result.requests.total
  const sample: Sample = system.spawnedAt === undefined
    ? { result, cpuMsPerRequest }
    : { result, cpuMsPerRequest, fromS: (startedAt - system.spawnedAt) / 1000, toS: (Date.now() - system.spawnedAt) / 1000 }
  const key = `${system.name} ${target}`
  samples.set(key, [...(samples.get(key) ?? []), sample])
  process.stderr.write(`  ${key}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${cpuMsPerRequest.toFixed(2)} CPU ms/req\n`)
}

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
const reqPerS = (name: SystemName, target: TargetName) => {
  const xs = samples.get(`${name} ${target}`) ?? []
  return xs.reduce((sum, s) => sum + s.result.requests.average, 0) / xs.length
}

const cpuPerRequest = (name: SystemName, target: TargetName) => median((samples.get(`${name} ${target}`) ?? []).map((s) => s.cpuMsPerRequest))

const table = (header: ReadonlyArray<string>, lines: ReadonlyArray<ReadonlyArray<string>>) => {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)))
  const fmt = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")
  console.log(fmt(header))
  console.log(fmt(widths.map((w) => "-".repeat(w))))
  for (const l of lines) console.log(fmt(l))
}

const report = (loadBefore: ReadonlyArray<number>) => {
  const cpus = os.cpus()
  console.log(`bench/http.ts: the request path against bare Node, ${rounds} interleaved round(s), autocannon 8.0.0`)
  console.log(`machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "unknown"}), node ${process.version}; load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`)
  console.log(`settings: connections=${connections}, ${duration} s per run (+${warmup} s warm-up in round 1), pipelining=1, ${taskCount} tasks in the project, PostgreSQL ${new URL(adminUrl).host}`)
  console.log("the bare server does BrainOps's statements by hand: the same HS256 JWT check (jose; a token verified once is remembered with its")
  console.log("expiry, as BrainOps does), the session joined with its user (live) on every request so that a logout is immediate, then the")
  console.log("project joined with the caller's membership and the tasks with TaskRepositorySql's SQL; its JSON was checked equal to BrainOps's.")
  console.log("It keeps no rate limit (BrainOps counts each request in process and adds the counts to the database in batches).")
  console.log("")
  const lines: Array<Array<string>> = []
  for (const target of targets) {
    for (const name of systems) {
      const xs = samples.get(`${name} ${target}`) ?? []
      if (xs.length === 0) continue
      const bare = systems.includes("bare") && name !== "bare" ? reqPerS(name, target) / reqPerS("bare", target) : undefined
      const goal = ISSUE_TARGET[target]
      lines.push([
        target,
        LABEL[name],
        reqPerS(name, target).toFixed(0),
        xs.map((s) => s.result.requests.average.toFixed(0)).join(" "),
        String(median(xs.map((s) => s.result.latency.p50))),
        String(median(xs.map((s) => s.result.latency.p99))),
        cpuPerRequest(name, target).toFixed(2),
        bare === undefined ? "" : `${bare.toFixed(2)}x${goal === undefined || name.startsWith("before-") ? "" : ` (goal ${goal}x: ${bare >= goal ? "met" : "not met"})`}`
      ])
    }
  }
  table(["target", "system", "req/s", "per round", "p50 ms", "p99 ms", "CPU ms/req", "vs bare"], lines)
  console.log("(req/s: mean of the rounds; p50/p99: median of the rounds, 1 ms resolution; CPU ms/req: the server's own processes'")
  console.log(" user+system time over the requests it answered, median of the rounds, 10 ms ticks; PostgreSQL's share is not in it)")
  if (targets.includes("tasks50") && targets.includes("tasks1")) {
    console.log("")
    console.log(`the 49 more tasks of limit=50, in CPU ms per task: ${systems.map((n) => `${n} ${((cpuPerRequest(n, "tasks50") - cpuPerRequest(n, "tasks1")) / 49).toFixed(3)}`).join(", ")}`)
  }
  const pairs = ([["server", "before-server"], ["embedded", "before-embedded"]] as const).filter(([a, b]) => systems.includes(a) && systems.includes(b))
  if (pairs.length > 0) {
    console.log("")
    for (const target of targets) {
      console.log(`${target}: ${pairs.map(([a, b]) =>
        `${a} after/before ${(reqPerS(a, target) / reqPerS(b, target)).toFixed(2)}x req/s, CPU ms/req ${cpuPerRequest(b, target).toFixed(2)} -> ${cpuPerRequest(a, target).toFixed(2)}`).join("; ")}`)
    }
  }
  if (process.env["BENCH_CPU_PROF"] !== undefined) {
    console.log("")
    console.log(`CPU profile windows (seconds after each server's spawn), profiles in ${process.env["BENCH_CPU_PROF"]}/<system>:`)
    for (const [key, xs] of samples) {
      const windows = xs.filter((s) => s.fromS !== undefined).map((s) => `${s.fromS!.toFixed(1)}-${s.toS!.toFixed(1)}`)
      if (windows.length > 0) console.log(`  ${key}: ${windows.join(", ")}`)
    }
  }
}

const main = async () => {
  const loadBefore = os.loadavg()
  const all: Array<System> = []
  let serverEnv: Record<string, string> | undefined
  const brainops: ReadonlyArray<[SystemName, string | undefined, boolean]> = [
    ["server", undefined, true],
    ["embedded", undefined, false],
    ["before-server", beforeDir, true],
    ["before-embedded", beforeDir, false]
  ]
  try {
    for (const [name, root, onPostgres] of brainops) {
      // The bare server reads the server profile's database, so that system is started (and seeded) even when not measured.
      if (!systems.includes(name) && !(name === "server" && systems.includes("bare"))) continue
      const { env, server } = await startBrainOps(name, root, onPostgres)
      if (name === "server") serverEnv = env
      const seeded = await seed(server.base)
      if (systems.includes(name)) all.push({ name, base: server.base, pid: server.pid, seeded, spawnedAt: server.spawnedAt })
      else all.push({ name, base: server.base, pid: server.pid, seeded })
    }
    if (systems.includes("bare")) {
      const seeded = all.find((s) => s.name === "server")!.seeded
      all.push({ name: "bare", ...(await startBare(serverEnv!)), seeded })
    }
    if (systems.includes("minimal")) {
      all.push({ name: "minimal", ...(await startListening("bench/support/minimal-httpapi.ts", {})), seeded: all[0]?.seeded ?? { token: "", projectId: "" } })
    }
    const measured = systems.map((name) => all.find((s) => s.name === name)!)
    await checkAnswers(measured)
    process.stderr.write(`warm-up: ${warmup} s per target and system\n`)
    for (const target of targets) for (const system of measured) if (serves(system, target)) await once(system, target, warmup)
    for (let round = 0; round < rounds; round++) {
      process.stderr.write(`round ${round + 1} of ${rounds}\n`)
      for (const target of targets) {
        // Each round starts the target with another system, so none is always measured first.
        const order = measured.map((_, i) => measured[(i + round) % measured.length]!)
        for (const system of order) if (serves(system, target)) await measure(system, target)
      }
    }
    report(loadBefore)
  } finally {
    const { stopServer } = await import("./support/server.js")
    await stopServer()
    for (const drop of drops) await drop().catch((error) => console.error("could not drop a bench database:", error))
  }
}

// Startup and seeding (~60 s a system) + warm-up + rounds, with slack; never hang.
guard(120 * systems.length + targets.length * systems.length * (warmup + rounds * (duration + 1)) + 60)
await run(main)
