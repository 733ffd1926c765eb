// The per-item cost of a task list, stage by stage, in this process (no HTTP, no database): the rows
// as sql-pg hands them over decoded with TaskRepositorySql's row schema, the domain tasks turned into
// TaskResponse values by the handler's mapping, the page encoded with the endpoint's success schema
// (what HttpApiBuilder runs), and JSON.stringify. Prints µs per page of 50 and of 1, and per item
// (the fastest of 10 batches, so that a busy machine disturbs the figures less).
// Usage: npm run bench:encoding -- [--iterations N]
import { parseArgs } from "node:util"
import { Effect, Schema } from "effect"
import { taskOfRow, TaskRows } from "../adapters/sql/task-repository.sql.js"
import { encodeTaskResponse, toTaskResponse } from "../adapters/http/handlers/projects.js"
import { PageOf, toPageResponse } from "../adapters/http/pagination.js"
import { TaskResponse } from "../adapters/http/project-schemas.js"
import { positiveInt } from "./support/server.js"
import type { Task } from "../domain/projects/task.js"
import { Option } from "effect"

const { values: args } = parseArgs({ options: { iterations: { type: "string" } } })
const iterations = positiveInt("iterations", args.iterations, 2000)

const uuid = (i: number) => `0190${i.toString(16).padStart(4, "0")}-7a2b-7c3d-8e4f-${(i * 7919).toString(16).padStart(12, "0")}`
const user = uuid(9999)
/** One row as sql-pg 4 hands it over: timestamptz as a Date, date as text, arrays as arrays, float8 and int4 as numbers. */
const row = (i: number) => ({
  id: uuid(i),
  project_id: uuid(8888),
  title: `Task ${i}: refactor the invoice export`,
  description: `Step ${i} of the export rework. The CSV writer must stream rows and keep the column order of the old report.`,
  status: "in_progress",
  priority: "high",
  labels: i % 3 === 0 ? ["backend", "performance"] : ["docs"],
  due_date: i % 4 === 0 ? "2031-06-15" : null,
  position: i * 1024,
  completed_at: null,
  created_by: user,
  created_at: new Date(1_764_000_000_000 + i * 1000),
  updated_at: new Date(1_764_000_000_000 + i * 1000),
  version: 1,
  assignee_ids: i % 2 === 0 ? [user] : [],
  blocked_by: []
})

const decodeRows = Schema.decodeUnknownEffect(Schema.mutable(Schema.Array(TaskRows)))
const encodePage = Schema.encodeUnknownEffect(PageOf(TaskResponse))
// What HttpApi.SuccessParseOptions { disableChecks: true } would give: most of the encoder's cost is its
// walk, not its checks, which is why the list skips the encoder instead. Measured only.
const encodePageUnchecked = Schema.encodeUnknownEffect(PageOf(TaskResponse), { disableChecks: true })

/** The fastest of `batches` batches of iterations/batches runs, in µs a run: the least disturbed by whatever else the machine does. */
const time = (label: string, n: number, f: () => unknown) => {
  const batches = 10
  const perBatch = Math.max(1, Math.floor(iterations / batches))
  for (let i = 0; i < Math.min(200, iterations); i++) f() // warm-up
  let best = Infinity
  for (let b = 0; b < batches; b++) {
    const started = performance.now()
    for (let i = 0; i < perBatch; i++) f()
    best = Math.min(best, ((performance.now() - started) * 1000) / perBatch)
  }
  return { label, n, us: best }
}

const stages = (n: number) => {
  const rows = Array.from({ length: n }, (_, i) => row(i))
  const tasks = Effect.runSync(decodeRows(rows)) as ReadonlyArray<Task>
  const page = { items: tasks, nextCursor: Option.some("eyJrIjoxNzY0MDAwMDAwMDAwfQ") }
  const responses = toPageResponse(page, toTaskResponse)
  const encoded = Effect.runSync(encodePage(responses))
  return [
    time("read rows (taskOfRow)", n, () => rows.map(taskOfRow)),
    time("page in encoded form (encodeTaskResponse)", n, () => toPageResponse(page, encodeTaskResponse)),
    time("JSON.stringify", n, () => JSON.stringify(encoded)),
    time("schema path: decode rows (TaskRows), not in total", n, () => Effect.runSync(decodeRows(rows))),
    time("schema path: Task -> TaskResponse, not in total", n, () => toPageResponse(page, toTaskResponse)),
    time("schema path: encode page, not in total", n, () => Effect.runSync(encodePage(responses))),
    time("schema path: encode, disableChecks, not in total", n, () => Effect.runSync(encodePageUnchecked(responses)))
  ]
}

const fifty = stages(50)
const one = stages(1)
console.log(`task list encoding, ${iterations} iterations a stage (fastest of 10 batches), node ${process.version}`)
console.log(`${"stage".padEnd(52)} ${"50 items µs".padStart(12)} ${"1 item µs".padStart(10)} ${"µs per extra item".padStart(18)}`)
let total50 = 0
let total1 = 0
fifty.forEach((s, i) => {
  const o = one[i]!
  if (!s.label.includes("not in total")) {
    total50 += s.us
    total1 += o.us
  }
  console.log(`${s.label.padEnd(52)} ${s.us.toFixed(0).padStart(12)} ${o.us.toFixed(1).padStart(10)} ${((s.us - o.us) / 49).toFixed(1).padStart(18)}`)
})
console.log(`${"total".padEnd(52)} ${total50.toFixed(0).padStart(12)} ${total1.toFixed(1).padStart(10)} ${((total50 - total1) / 49).toFixed(1).padStart(18)}`)
