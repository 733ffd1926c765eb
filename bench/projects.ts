// Task list and stats latency of the real SQL adapter (TaskRepositorySql, through its port) on seeded data,
// plus EXPLAIN plans of the SQL it runs, so the report shows which indexes are used.
// Usage: npx tsx bench/projects.ts [--projects N] [--tasks N] [--postgres URL]
//   default target: a fresh PGlite in a temp folder (removed at the end);
//   --postgres URL (or BENCH_DATABASE_URL): a fresh database brainops_bench_<random> on that server,
//   migrated, and dropped WITH (FORCE) at the end. URL is an admin connection (CREATE DATABASE rights).
//   Defaults: 1,000 projects × 100 tasks (also BENCH_PROJECTS / BENCH_TASKS). Exits 0 on success, 1 on
//   failure (including a wrong answer from the repository), 2 on bad arguments, 3 on the overall timeout.
// A run killed outright (SIGKILL; or Ctrl-C while PGlite is busy in a statement, which tsx escalates to
// SIGKILL) cannot clean up: the next run removes such leftovers (see sweepStale*).
import { randomBytes } from "node:crypto"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import { parseArgs } from "node:util"
import { PgClient } from "@effect/sql-pg"
import { SqlClient, SqlSchema, Statement } from "effect/sql"
import { Effect, Layer, ManagedRuntime, Option, Redacted, References, Schema } from "effect"
import { PgliteClient, PgServerClient } from "../adapters/sql/clients.js"
import { MigrationsLive } from "../adapters/sql/migrator.js"
import { TaskRepositorySql } from "../adapters/sql/task-repository.sql.js"
import { sortNumber } from "../application/projects/tasks.js"
import { type TaskFilter, type TaskPosition, TaskRepository, type TaskSort } from "../application/ports/task-repository.js"
import { UserId } from "../domain/identity/user.js"
import { ProjectId } from "../domain/projects/project.js"
import { DueDate, type Task, type TaskStatus } from "../domain/projects/task.js"

const USERS = 50
const SAMPLE = 200 // projects measured per query kind (each once)
const WARMUP = 20 // queries per kind before measuring
const PAGE = 20
const LABELS = ["bug", "feature", "frontend", "backend", "ux", "infra", "docs", "security", "performance", "tech-debt"]
const VERBS = ["Fix", "Add", "Refactor", "Review", "Document", "Test", "Ship", "Investigate"]
const NOUNS = [
  "login", "invoice", "dashboard", "export", "search", "billing", "onboarding", "cache",
  "migration", "report", "webhook", "sidebar", "upload", "permissions", "checkout", "notifications"
]
const Q_WORD = "invoice" // one noun of 16: ~6% of titles (and some descriptions)
const LABEL = "backend"

const positiveInt = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === "") return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return n
}
const settings = (() => {
  try {
    const { values: args } = parseArgs({
      options: { projects: { type: "string" }, tasks: { type: "string" }, postgres: { type: "string" } }
    })
    const projects = positiveInt("--projects", args.projects ?? process.env["BENCH_PROJECTS"], 1000)
    const tasks = positiveInt("--tasks", args.tasks ?? process.env["BENCH_TASKS"], 100)
    if (projects * tasks > 50_000_000) throw new Error("--projects × --tasks is too large (at most 50,000,000 tasks)")
    const url = args.postgres ?? (process.env["BENCH_DATABASE_URL"] || undefined)
    if (url !== undefined) new URL(url) // fail early on a malformed URL
    return { projects, tasks, url }
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
    console.error("usage: npx tsx bench/projects.ts [--projects N] [--tasks N] [--postgres URL]")
    process.exit(2)
  }
})()
const projectCount = settings.projects
const tasksPerProject = settings.tasks
const postgresUrl = settings.url
const totalTasks = projectCount * tasksPerProject

const now = new Date()
const nowIso = now.toISOString()
const today = DueDate.make(nowIso.slice(0, 10))

// ---------------------------------------------------------------------------------------------------
// Target database and cleanup

type Services = TaskRepository | SqlClient.SqlClient | PgClient.PgClient
type Runtime = ManagedRuntime.ManagedRuntime<Services, unknown>

let runtime: Runtime | undefined
let tempDir: string | undefined
let benchDatabase: { readonly adminUrl: string; readonly name: string } | undefined

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `use` on a connection of its own to the admin database (CREATE/DROP DATABASE cannot share a transaction). */
const onAdmin = <A>(adminUrl: string, use: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, use).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(adminUrl), maxConnections: 1, connectTimeout: "10 seconds" }))
    )
  )
const adminQuery = (adminUrl: string, text: string) => onAdmin(adminUrl, (sql) => Effect.asVoid(sql.unsafe(text)))

const withDatabase = (url: string, database: string) => {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}
const redactUrl = (url: string) => {
  const parsed = new URL(url)
  if (parsed.password !== "") parsed.password = "***"
  return parsed.toString()
}

// One cleanup, however many callers (main's catch, a signal, the watchdog): all await the same promise,
// so none exits the process while another is still dropping the database.
let cleaning: Promise<void> | undefined
let interrupted = false
const cleanup = (): Promise<void> => (cleaning ??= doCleanup())
const doCleanup = async () => {
  const rt = runtime
  runtime = undefined
  if (rt !== undefined) {
    await Promise.race([rt.dispose().catch(() => undefined), sleep(15_000)])
  }
  if (tempDir !== undefined) {
    rmSync(tempDir, { recursive: true, force: true })
    tempDir = undefined
  }
  const db = benchDatabase
  benchDatabase = undefined
  if (db !== undefined) {
    try {
      await adminQuery(db.adminUrl, `DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`)
    } catch (error) {
      console.error(`bench: could not drop database ${db.name}:`, error instanceof Error ? error.message : error)
    }
  }
}

const quiet = Layer.succeed(References.MinimumLogLevel, "Warn")

// Leftovers of runs that were killed before they could clean up (tsx force-kills a child that does not
// answer Ctrl-C within 30 ms, which happens while PGlite runs a long statement on the main thread):
// removed at the next start. A temp folder is stale when the pid in its PGlite lock is dead (or, with no
// lock, after 30 min); a bench database when it is over 30 min old (by its name) and nobody is connected.
const TEMP_PREFIX = "brainops-bench-projects-"
const DB_PREFIX = "brainops_bench_"
const STALE_MS = 30 * 60_000
const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}
const sweepStaleTempDirs = (): number => {
  let removed = 0
  for (const name of readdirSync(os.tmpdir())) {
    if (!name.startsWith(TEMP_PREFIX)) continue
    const dir = path.join(os.tmpdir(), name)
    try {
      let stale: boolean
      try {
        const pid = Number.parseInt(readFileSync(path.join(dir, "pgdata", "brainops.lock"), "utf8"), 10)
        stale = !Number.isInteger(pid) || !pidAlive(pid)
      } catch {
        stale = Date.now() - statSync(dir).mtimeMs > STALE_MS
      }
      if (stale) {
        rmSync(dir, { recursive: true, force: true })
        removed++
      }
    } catch { /* another process's folder, or gone meanwhile */ }
  }
  return removed
}
const sweepStaleDatabases = (adminUrl: string): Promise<ReadonlyArray<string>> =>
  onAdmin(adminUrl, (sql) =>
    Effect.gen(function*() {
      const idle = yield* SqlSchema.findAll({
        Request: Schema.Void,
        Result: Schema.Struct({ datname: Schema.String }),
        execute: () =>
          sql`SELECT d.datname FROM pg_database d
              WHERE d.datname LIKE 'brainops\\_bench\\_%' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`
      })(undefined)
      const stale = idle.map((r) => r.datname).filter((name) => {
        const created = Number(/^brainops_bench_(\d+)_[0-9a-f]+$/.exec(name)?.[1])
        return Number.isFinite(created) && Date.now() - created > STALE_MS
      })
      for (const name of stale) yield* sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      return stale
    }))

const openTarget = async (): Promise<{ runtime: Runtime; label: string }> => {
  if (postgresUrl !== undefined) {
    const dropped = await sweepStaleDatabases(postgresUrl)
    if (dropped.length > 0) process.stderr.write(`dropped ${dropped.length} stale bench database(s) of killed runs: ${dropped.join(", ")}\n`)
    const name = `${DB_PREFIX}${Date.now()}_${randomBytes(4).toString("hex")}`
    await adminQuery(postgresUrl, `CREATE DATABASE "${name}"`)
    benchDatabase = { adminUrl: postgresUrl, name }
    const url = withDatabase(postgresUrl, name)
    const client = PgServerClient({ url: Redacted.make(url), poolSize: 2 })
    const layer = TaskRepositorySql.pipe(Layer.provideMerge(MigrationsLive.pipe(Layer.provideMerge(client))), Layer.provideMerge(quiet))
    return { runtime: ManagedRuntime.make(layer), label: `PostgreSQL server, fresh database ${redactUrl(url)}` }
  }
  const removed = sweepStaleTempDirs()
  if (removed > 0) process.stderr.write(`removed ${removed} stale temp folder(s) of killed runs\n`)
  tempDir = mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX))
  const dataDir = path.join(tempDir, "pgdata")
  const layer = TaskRepositorySql.pipe(
    Layer.provideMerge(MigrationsLive.pipe(Layer.provideMerge(PgliteClient(dataDir)))),
    Layer.provideMerge(quiet)
  )
  return { runtime: ManagedRuntime.make(layer), label: `PGlite (embedded, WASM), fresh data folder ${dataDir}` }
}

const run = <A>(effect: Effect.Effect<A, unknown, Services>): Promise<A> => {
  if (runtime === undefined) throw new Error("no runtime")
  return runtime.runPromise(effect)
}

const query = <A extends object>(text: string, params: ReadonlyArray<unknown> = []) =>
  run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<A>(text, params)))

// ---------------------------------------------------------------------------------------------------
// Seeding: set-based INSERT ... SELECT generate_series, deterministic (hashint4 of the row number), so
// PGlite and PostgreSQL get the same data. Ids are md5-derived v4-shaped uuids (random-looking order).

const uuidOf = (kind: string, n: string) =>
  `(overlay(overlay(md5('${kind}:' || (${n})::text) placing '4' from 13) placing '8' from 17))::uuid`
/** A deterministic non-negative pseudo-random int per (row number, salt). */
const h = (n: string, salt: number) => `(hashint4((${n}) * 16 + ${salt}) & 2147483647)`
/** The user in slot j (0 owner, 1 admin, 2 and 3 members, 4 viewer) of project p: 5 distinct users of 50. */
const memberUser = (p: string, slot: string) => uuidOf("user", `((${p}) * 7 + (${slot}) * 10) % ${USERS}`)
const textArray = (values: ReadonlyArray<string>) => `ARRAY[${values.map((v) => `'${v}'`).join(", ")}]`
const NOW = `TIMESTAMPTZ '${nowIso}'`
const TODAY = `DATE '${today}'`

const seedUsersProjectsMembers = (from: number, to: number) => [
  `INSERT INTO projects (id, name, description, status, created_by, created_at, updated_at, archived_at)
   SELECT ${uuidOf("project", "p")}, 'Project ' || p, 'Seeded by bench/projects.ts',
          CASE WHEN p % 20 = 19 THEN 'archived' ELSE 'active' END, ${memberUser("p", "0")},
          ${NOW} - interval '400 days' + p * interval '1 second', ${NOW} - interval '1 day',
          CASE WHEN p % 20 = 19 THEN ${NOW} - interval '1 day' END
   FROM generate_series(${from}, ${to}) p`,
  `INSERT INTO project_members (project_id, user_id, role, created_at)
   SELECT ${uuidOf("project", "p")}, ${memberUser("p", "j")},
          (ARRAY['owner', 'admin', 'member', 'member', 'viewer'])[j + 1], ${NOW} - interval '400 days'
   FROM generate_series(${from}, ${to}) p CROSS JOIN generate_series(0, 4) j`
]

const seedTasks = (fromTask: number, toTask: number) =>
  `INSERT INTO tasks (id, project_id, title, description, status, priority, priority_rank, labels, due_date,
                     position, completed_at, created_by, created_at, updated_at, version)
   SELECT ${uuidOf("task", "n")}, ${uuidOf("project", "p")},
          (${textArray(VERBS)})[1 + h7 % ${VERBS.length}] || ' ' || (${textArray(NOUNS)})[1 + h8 % ${NOUNS.length}] || ' #' || (i + 1),
          CASE WHEN h9 % 2 = 0 THEN '' ELSE 'Details about the ' || (${textArray(NOUNS)})[1 + h9 % ${NOUNS.length}] || ' work.' END,
          status, priority,
          CASE priority WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 4 END,
          (ARRAY[(${textArray(LABELS)})[1 + h4 % 10], (${textArray(LABELS)})[1 + (h4 + 3) % 10], (${textArray(LABELS)})[1 + (h4 + 6) % 10]])[1:(h3 % 4)],
          CASE WHEN h5 % 100 < 20 THEN NULL ELSE ${TODAY} + (h6 % 121 - 60) END,
          (i + 1) * 1024.0,
          CASE WHEN status = 'done' THEN updated_at END,
          ${memberUser("p", "h10 % 4")}, created_at, updated_at, 1
   FROM (
     SELECT n, p, i, h3, h4, h5, h6, h7, h8, h9, h10, created_at,
            LEAST(${NOW}, created_at + (h12 % 864000) * interval '1 second') AS updated_at,
            CASE WHEN h1 % 100 < 30 THEN 'todo' WHEN h1 % 100 < 50 THEN 'in_progress' WHEN h1 % 100 < 60 THEN 'in_review'
                 WHEN h1 % 100 < 90 THEN 'done' ELSE 'cancelled' END AS status,
            CASE WHEN h2 % 100 < 30 THEN 'low' WHEN h2 % 100 < 70 THEN 'medium' WHEN h2 % 100 < 90 THEN 'high'
                 ELSE 'urgent' END AS priority
     FROM (
       SELECT n, n / ${tasksPerProject} AS p, n % ${tasksPerProject} AS i,
              ${h("n", 1)} AS h1, ${h("n", 2)} AS h2, ${h("n", 3)} AS h3, ${h("n", 4)} AS h4, ${h("n", 5)} AS h5,
              ${h("n", 6)} AS h6, ${h("n", 7)} AS h7, ${h("n", 8)} AS h8, ${h("n", 9)} AS h9, ${h("n", 10)} AS h10,
              ${h("n", 12)} AS h12,
              ${NOW} - (${h("n", 11)} % (365 * 86400)) * interval '1 second' AS created_at
       FROM generate_series(${fromTask}, ${toTask}) n
     ) r
   ) s`

// ~70% of tasks get 1 assignee, a third of those a second one; assignees are owner/admin/members (slots 0..3).
const seedAssignees = (fromTask: number, toTask: number) =>
  `INSERT INTO task_assignees (task_id, project_id, user_id)
   SELECT ${uuidOf("task", "n")}, ${uuidOf("project", "p")}, ${memberUser("p", "v.slot")}
   FROM (
     SELECT n, n / ${tasksPerProject} AS p, ${h("n", 13)} AS h13, ${h("n", 14)} % 4 AS s1,
            CASE WHEN ${h("n", 15)} % 3 = 0 THEN (${h("n", 14)} % 4 + 1 + ${h("n", 16)} % 3) % 4 END AS s2
     FROM generate_series(${fromTask}, ${toTask}) n
   ) x CROSS JOIN LATERAL (VALUES (x.s1), (x.s2)) AS v(slot)
   WHERE x.h13 % 10 < 7 AND v.slot IS NOT NULL`

// Tasks 10, 30, 50, ... of each project are blocked by the tasks 5 and 7 before them (same project).
const seedDependencies = (fromTask: number, toTask: number) =>
  `INSERT INTO task_dependencies (task_id, blocked_by_task_id)
   SELECT ${uuidOf("task", "n")}, ${uuidOf("task", "n - d")}
   FROM generate_series(${fromTask}, ${toTask}) n CROSS JOIN (VALUES (5), (7)) AS b(d)
   WHERE n % ${tasksPerProject} % 20 = 10`

const seed = async () => {
  const steps: Array<string> = []
  const timed = async (name: string, f: () => Promise<void>) => {
    const t0 = performance.now()
    await f()
    steps.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  const inTransaction = (statements: ReadonlyArray<string>) =>
    run(Effect.flatMap(SqlClient.SqlClient, (sql) =>
      sql.withTransaction(Effect.forEach(statements, (s) => sql.unsafe(s), { discard: true }))))
  const t0 = performance.now()
  await timed("users+projects+members", () =>
    inTransaction([
      `INSERT INTO users (id, email, name, role, password_hash, email_verified_at, created_at, updated_at)
       SELECT ${uuidOf("user", "u")}, 'bench-user-' || u || '@example.com', 'Bench User ' || u, 'user',
              'not-a-real-hash', ${NOW} - interval '500 days', ${NOW} - interval '500 days', ${NOW} - interval '500 days'
       FROM generate_series(0, ${USERS - 1}) u`,
      ...chunks(projectCount, 5000).flatMap(([a, b]) => seedUsersProjectsMembers(a, b))
    ]))
  // Tasks, then their links, in statements of ~25,000 tasks each, one transaction per table.
  const taskChunks = chunks(totalTasks, 25_000)
  await timed("tasks", () => inTransaction(taskChunks.map(([a, b]) => seedTasks(a, b))))
  await timed("assignees", () => inTransaction(taskChunks.map(([a, b]) => seedAssignees(a, b))))
  await timed("dependencies", () => inTransaction(taskChunks.map(([a, b]) => seedDependencies(a, b))))
  await timed("ANALYZE", async () => {
    await query("ANALYZE")
  })
  return { seconds: (performance.now() - t0) / 1000, steps }
}

/** [from, to] inclusive ranges of at most `size` covering 0..total-1. */
const chunks = (total: number, size: number): Array<readonly [number, number]> => {
  const out: Array<readonly [number, number]> = []
  for (let a = 0; a < total; a += size) out.push([a, Math.min(total, a + size) - 1])
  return out
}

// ---------------------------------------------------------------------------------------------------
// Measurement through the port

const noFilter: TaskFilter = {
  status: Option.none(),
  assigneeId: Option.none(),
  priority: Option.none(),
  dueBefore: Option.none(),
  label: Option.none(),
  q: Option.none()
}

interface Sample { readonly projectId: ProjectId; readonly member: UserId }
type Outcome = ReadonlyArray<Task> | { readonly byStatus: Readonly<Record<TaskStatus, number>>; readonly overdue: number }

interface Kind {
  readonly name: string
  /** Untimed preparation (e.g. fetching page 1), then the timed effect. */
  readonly prepare: (s: Sample) => Promise<Effect.Effect<Outcome, unknown, Services>>
  /** An error message when the outcome is wrong. */
  readonly check: (s: Sample, outcome: Outcome) => string | undefined
  /** Rows for the report: list length, or the number of tasks counted by stats. */
  readonly rows: (outcome: Outcome) => number
}

const listOf = (filter: Partial<TaskFilter>, sort: TaskSort, after: Option.Option<TaskPosition> = Option.none()) =>
  (s: Sample) => Effect.flatMap(TaskRepository, (repo) => repo.list(s.projectId, { ...noFilter, ...filter }, sort, after, PAGE))

const asTasks = (o: Outcome): ReadonlyArray<Task> => (Array.isArray(o) ? (o as ReadonlyArray<Task>) : [])
const listRows = (o: Outcome) => asTasks(o).length
const listCheck = (pred: (t: Task, s: Sample) => boolean, what: string) => (s: Sample, o: Outcome) => {
  if (!Array.isArray(o)) return "list did not answer an array"
  const tasks = asTasks(o)
  if (tasks.length > PAGE + 1) return `list answered ${tasks.length} rows for limit ${PAGE}`
  const bad = tasks.find((t) => t.projectId !== s.projectId || !pred(t, s))
  return bad === undefined ? undefined : `task ${bad.id} does not match ${what}`
}
const descByCreated = (tasks: ReadonlyArray<Task>) =>
  tasks.every((t, i) => {
    const prev = tasks[i - 1]
    return prev === undefined || sortNumber("-created_at", prev) >= sortNumber("-created_at", t)
  })

const page2 = async (s: Sample) => {
  const first = asTasks(await run(listOf({}, "-created_at")(s)))
  // The 20th row; in a project of 20 tasks or fewer, its last row (page 2 is then empty).
  const last = first[PAGE - 1] ?? first.at(-1)
  const after: Option.Option<TaskPosition> = last === undefined
    ? Option.none()
    : Option.some({ k: sortNumber("-created_at", last), id: last.id })
  return { first, after }
}
const page2Firsts = new Map<string, string | undefined>()

const kinds: ReadonlyArray<Kind> = [
  {
    name: "list status=in_progress",
    prepare: async (s) => listOf({ status: Option.some("in_progress") }, "-created_at")(s),
    check: listCheck((t) => t.status === "in_progress", "status=in_progress"),
    rows: listRows
  },
  {
    name: "list assignee=<member>",
    prepare: async (s) => listOf({ assigneeId: Option.some(s.member) }, "-created_at")(s),
    check: listCheck((t, s) => t.assigneeIds.includes(s.member), "the assignee"),
    rows: listRows
  },
  {
    name: `list label=${LABEL}`,
    prepare: async (s) => listOf({ label: Option.some(LABEL) }, "-created_at")(s),
    check: listCheck((t) => t.labels.includes(LABEL), `label=${LABEL}`),
    rows: listRows
  },
  {
    name: "list dueBefore=today sort=due_date",
    prepare: async (s) => listOf({ dueBefore: Option.some(today) }, "due_date")(s),
    check: listCheck((t) => Option.isSome(t.dueDate) && t.dueDate.value < today, "dueBefore=today"),
    rows: listRows
  },
  {
    name: `list q=${Q_WORD}`,
    prepare: async (s) => listOf({ q: Option.some(Q_WORD) }, "-created_at")(s),
    check: listCheck((t) => `${t.title} ${t.description}`.toLowerCase().includes(Q_WORD), `q=${Q_WORD}`),
    rows: listRows
  },
  {
    name: "list no filter, page 1",
    prepare: async (s) => listOf({}, "-created_at")(s),
    check: (s, o) => listCheck(() => true, "")(s, o) ?? (descByCreated(asTasks(o)) ? undefined : "not in -created_at order"),
    rows: listRows
  },
  {
    name: "list no filter, page 2 (keyset)",
    prepare: async (s) => {
      const { first, after } = await page2(s)
      page2Firsts.set(s.projectId, first[PAGE]?.id)
      return listOf({}, "-created_at", after)(s)
    },
    check: (s, o) => {
      const base = listCheck(() => true, "")(s, o)
      if (base !== undefined) return base
      const expected = page2Firsts.get(s.projectId)
      const got = asTasks(o)[0]?.id
      return expected === got ? undefined : `page 2 starts at ${got ?? "nothing"}, expected row 21 of page 1 (${expected ?? "nothing"})`
    },
    rows: listRows
  },
  {
    name: "stats(project, today)",
    prepare: async (s) => Effect.flatMap(TaskRepository, (repo) => repo.stats(s.projectId, today)),
    check: (_s, o) => {
      if (Array.isArray(o)) return "stats answered an array"
      const stats = o as Exclude<Outcome, ReadonlyArray<Task>>
      const sum = Object.values(stats.byStatus).reduce((a, b) => a + b, 0)
      return sum === tasksPerProject ? undefined : `byStatus sums to ${sum}, expected ${tasksPerProject}`
    },
    rows: (o) => (Array.isArray(o) ? 0 : Object.values((o as Exclude<Outcome, ReadonlyArray<Task>>).byStatus).reduce((a, b) => a + b, 0))
  }
]

interface Result { readonly name: string; readonly ms: ReadonlyArray<number>; readonly rows: number; readonly errors: ReadonlyArray<string> }

const measure = async (kind: Kind, warmup: ReadonlyArray<Sample>, samples: ReadonlyArray<Sample>): Promise<Result> => {
  process.stderr.write(`  ${kind.name}: ${warmup.length} warm-up, ${samples.length} measured\n`)
  for (const s of warmup) await run(await kind.prepare(s))
  const ms: Array<number> = []
  const errors: Array<string> = []
  let rows = 0
  for (const s of samples) {
    const effect = await kind.prepare(s)
    const t0 = performance.now()
    const outcome = await run(effect)
    ms.push(performance.now() - t0)
    rows += kind.rows(outcome)
    const error = kind.check(s, outcome)
    if (error !== undefined) errors.push(`${kind.name} on project ${s.projectId}: ${error}`)
  }
  return { name: kind.name, ms, rows: rows / Math.max(1, samples.length), errors }
}

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN

/** Deterministic shuffle (mulberry32), so runs pick the same projects. */
const shuffled = <A>(items: ReadonlyArray<A>, seed: number): Array<A> => {
  let state = seed >>> 0
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const a = out[i]!
    out[i] = out[j]!
    out[j] = a
  }
  return out
}

// ---------------------------------------------------------------------------------------------------
// EXPLAIN of the exact SQL the adapter runs: a statement transformer records each compiled statement
// (text and parameters) while the repository call runs; the same text and parameters are then explained.

type Compiled = readonly [string, ReadonlyArray<unknown>]
const capture = async (effect: Effect.Effect<unknown, unknown, Services>): Promise<Array<Compiled>> => {
  const statements: Array<Compiled> = []
  await run(effect.pipe(Effect.provideService(Statement.CurrentTransformer, (self) => {
    statements.push(self.compile())
    return Effect.succeed(self)
  })))
  return statements
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim()
const shortSql = (text: string) => {
  const flat = oneLine(text)
  const at = flat.indexOf(" FROM tasks t WHERE ")
  return flat.startsWith("SELECT t.id,") && at > 0 ? `SELECT <task columns, assignee_ids and blocked_by subqueries>${flat.slice(at)}` : flat
}

const explain = async (text: string, params: ReadonlyArray<unknown>): Promise<{ lines: Array<string>; mode: string }> => {
  const plan = (prefix: string) =>
    query<Record<string, unknown>>(`${prefix} ${text}`, params).then((rows) => rows.map((r) => String(Object.values(r)[0])))
  try {
    return { lines: await plan("EXPLAIN (ANALYZE, BUFFERS)"), mode: "EXPLAIN (ANALYZE, BUFFERS)" }
  } catch {
    return { lines: await plan("EXPLAIN ANALYZE"), mode: "EXPLAIN ANALYZE" }
  }
}

const KEEP = /Seq Scan|Index|Bitmap|Sort|Filter|SubPlan|Join|Nested Loop|Hash Cond|Execution Time/
const DROP = /Index Searches:/ // PostgreSQL 18 noise

const explainAll = async (s: Sample) => {
  const targets: ReadonlyArray<{ readonly name: string; readonly effect: () => Promise<Effect.Effect<unknown, unknown, Services>>; readonly labels?: ReadonlyArray<string> }> = [
    { name: "list status=in_progress", effect: async () => listOf({ status: Option.some("in_progress") }, "-created_at")(s) },
    { name: "list assignee=<member>", effect: async () => listOf({ assigneeId: Option.some(s.member) }, "-created_at")(s) },
    { name: `list label=${LABEL}`, effect: async () => listOf({ label: Option.some(LABEL) }, "-created_at")(s) },
    { name: "list dueBefore=today sort=due_date", effect: async () => listOf({ dueBefore: Option.some(today) }, "due_date")(s) },
    { name: "list no filter, page 2 (keyset)", effect: async () => listOf({}, "-created_at", (await page2(s)).after)(s) },
    {
      name: "stats",
      effect: async () => Effect.flatMap(TaskRepository, (repo) => repo.stats(s.projectId, today)),
      labels: ["stats 1/3 by status", "stats 2/3 overdue", "stats 3/3 per assignee"]
    }
  ]
  const out: Array<string> = []
  const warnings: Array<string> = []
  for (const target of targets) {
    const statements = await capture(await target.effect())
    for (const [index, [text, params]] of statements.entries()) {
      const name = target.labels?.[index] ?? (statements.length > 1 ? `${target.name} ${index + 1}/${statements.length}` : target.name)
      const { lines, mode } = await explain(text, params)
      out.push(`--- ${name}  [${mode}]`)
      out.push(`SQL: ${shortSql(text)}`)
      out.push(`params: ${JSON.stringify(params)}`)
      for (const line of lines.filter((l) => KEEP.test(l) && !DROP.test(l))) out.push(`  ${line}`)
      const buffers = lines.find((l) => l.trimStart().startsWith("Buffers:"))
      if (buffers !== undefined) out.push(`  (top node) ${buffers.trim()}`)
      if (lines.some((l) => /Seq Scan on tasks\b/.test(l))) {
        warnings.push(`SEQ SCAN ON tasks: ${name}`)
        out.push("  !! this plan has a Seq Scan on tasks")
      }
      for (const l of lines) {
        const m = /Seq Scan on (\w+)/.exec(l)
        if (m !== null && m[1] !== "tasks") warnings.push(`Seq Scan on ${m[1]}: ${name}`)
      }
      if (name.startsWith("list") && lines.some((l) => /Sort Key: .*(EXTRACT|COALESCE)/.test(l))) {
        warnings.push(`explicit Sort on the computed sort key (the ORDER BY expression is not an index order): ${name}`)
      }
    }
  }
  return { out, warnings: [...new Set(warnings)] }
}

// ---------------------------------------------------------------------------------------------------

const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "-")
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

const main = async () => {
  const started = performance.now()
  const target = await openTarget()
  runtime = target.runtime
  process.stderr.write(`opening ${target.label} and migrating...\n`)
  const tOpen = performance.now()
  await run(Effect.void) // builds the layer: open + migrate
  const openSeconds = (performance.now() - tOpen) / 1000

  const version = (await query<{ version: string }>("SELECT version() AS version"))[0]?.version ?? "unknown"
  const pgliteVersion = postgresUrl === undefined
    ? (JSON.parse(readFileSync(new URL("../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8")) as { version: string }).version
    : undefined

  process.stderr.write(`seeding ${projectCount} projects × ${tasksPerProject} tasks...\n`)
  const seeded = await seed()
  const counts = await query<{ name: string; n: string | number }>(
    `SELECT name, n FROM (
       SELECT 1 AS o, 'users' AS name, count(*) AS n FROM users UNION ALL SELECT 2, 'projects', count(*) FROM projects
       UNION ALL SELECT 3, 'project_members', count(*) FROM project_members UNION ALL SELECT 4, 'tasks', count(*) FROM tasks
       UNION ALL SELECT 5, 'task_assignees', count(*) FROM task_assignees
       UNION ALL SELECT 6, 'task_dependencies', count(*) FROM task_dependencies) c ORDER BY o`
  )
  const sizes = await query<{ name: string; bytes: string | number }>(
    `SELECT 'database' AS name, pg_database_size(current_database()) AS bytes
     UNION ALL SELECT 'tasks (heap)', pg_relation_size('tasks')
     UNION ALL SELECT 'tasks (all indexes)', pg_indexes_size('tasks')
     UNION ALL SELECT * FROM (SELECT c.relname::text, pg_relation_size(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                              WHERE i.indrelid IN ('tasks'::regclass, 'task_assignees'::regclass) ORDER BY 1) x
     UNION ALL SELECT 'task_assignees (heap)', pg_relation_size('task_assignees')`
  )
  const expectedTasks = counts.find((c) => c.name === "tasks")
  if (Number(expectedTasks?.n) !== totalTasks) throw new Error(`seeded ${String(expectedTasks?.n)} tasks, expected ${totalTasks}`)

  const projects = await query<{ project_id: string; member: string }>(
    `SELECT project_id::text AS project_id, min(user_id::text) AS member FROM project_members WHERE role = 'member'
     GROUP BY project_id ORDER BY project_id`
  )
  const all = shuffled(projects.map((r) => ({ projectId: ProjectId.make(r.project_id), member: UserId.make(r.member) })), 42)
  const samples = all.slice(0, SAMPLE)
  const rest = all.slice(SAMPLE, SAMPLE + WARMUP)
  const warmup = rest.length >= WARMUP ? rest : samples.slice(0, WARMUP)

  process.stderr.write("measuring...\n")
  const tMeasure = performance.now()
  const results: Array<Result> = []
  for (const kind of kinds) results.push(await measure(kind, warmup, samples))
  const measureSeconds = (performance.now() - tMeasure) / 1000

  process.stderr.write("explaining...\n")
  const explainSample = samples[0]
  if (explainSample === undefined) throw new Error("no project to explain")
  const plans = await explainAll(explainSample)

  // Report
  const cpus = os.cpus()
  const header = ["query (sequential, 1 per project)", "n", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "rows avg"]
  const lines = results.map((r) => {
    const sorted = [...r.ms].sort((a, b) => a - b)
    const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)
    return [r.name, String(sorted.length), fmtMs(mean), fmtMs(percentile(sorted, 50)), fmtMs(percentile(sorted, 95)),
      fmtMs(percentile(sorted, 99)), fmtMs(sorted.at(-1) ?? NaN), r.rows.toFixed(1)]
  })
  const widths = header.map((hd, i) => Math.max(hd.length, ...lines.map((l) => l[i]?.length ?? 0)))
  const fmt = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")

  console.log("BrainOps task repository (TaskRepositorySql via the TaskRepository port) on seeded data")
  console.log(`machine:  ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "unknown"}), ${mib(os.totalmem())} RAM, node ${process.version}, ${os.platform()} ${os.arch()}`)
  console.log(`target:   ${target.label}`)
  console.log(`database: ${pgliteVersion !== undefined ? `@electric-sql/pglite ${pgliteVersion}; ` : ""}${version}`)
  console.log(`opened + migrated in ${openSeconds.toFixed(1)} s`)
  console.log(`data:     ${USERS} users, ${projectCount} projects × 5 members, ${tasksPerProject} tasks per project; today = ${today}`)
  console.log(`seeding:  ${seeded.seconds.toFixed(1)} s (${seeded.steps.join(", ")})`)
  console.log(`rows:     ${counts.map((c) => `${c.name}=${Number(c.n)}`).join(", ")}`)
  console.log(`sizes:    ${sizes.map((s) => `${s.name} ${mib(Number(s.bytes))}`).join(", ")}`)
  console.log(`settings: ${samples.length} random projects per query kind, each queried once, after ${warmup.length} warm-up queries; limit ${PAGE} (the adapter fetches ${PAGE + 1}); wall time per query = performance.now() around ManagedRuntime.runPromise`)
  console.log("")
  console.log(fmt(header))
  console.log(fmt(widths.map((w) => "-".repeat(w))))
  for (const l of lines) console.log(fmt(l))
  console.log(`(measuring took ${measureSeconds.toFixed(1)} s; "rows avg" = rows answered, stats = tasks counted)`)
  console.log("")
  console.log(`Plans for project ${explainSample.projectId} (member ${explainSample.member}); exact SQL and parameters captured from the adapter.`)
  console.log("Lines kept: scans, joins, index/sort/filter lines, SubPlans, execution time.")
  for (const l of plans.out) console.log(l)
  console.log("")
  if (plans.warnings.length === 0) console.log("plan findings: no Seq Scan on tasks; every plan uses indexes.")
  else for (const w of plans.warnings) console.log(`plan finding: ${w}`)

  const errors = results.flatMap((r) => r.errors)
  if (errors.length > 0) {
    for (const e of errors.slice(0, 20)) console.log(`CHECK FAILED: ${e}`)
    throw new Error(`${errors.length} result check(s) failed`)
  }
  console.log(`result checks: all ${results.reduce((a, r) => a + r.ms.length, 0)} measured answers consistent (filters, order, keyset page 2, stats totals)`)
  console.log(`total run time: ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

// Watchdog: never hang; scales with the data size (5 min + 10 min per 100,000 tasks).
const watchdogMs = (5 * 60 + Math.ceil(totalTasks / 100_000) * 10 * 60) * 1000
const watchdog = setTimeout(() => {
  console.error(`bench: overall timeout (${watchdogMs / 60_000} min)`)
  void cleanup().finally(() => process.exit(3))
}, watchdogMs)
watchdog.unref()
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true
    console.error(`bench: ${signal}, cleaning up`)
    void cleanup().finally(() => process.exit(130))
  })
}

try {
  await main()
  await cleanup()
  process.exit(0)
} catch (error) {
  if (!interrupted) console.error("bench failed:", error instanceof Error ? error.message : error)
  await cleanup()
  process.exit(interrupted ? 130 : 1)
}
