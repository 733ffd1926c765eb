// How rows are read and written (adapters/sql/rows.ts, the task row): parsed once, with every check of
// the fields; the columns renamed both ways; a bad value refused, not let through.
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Exit, Option, Schema } from "effect"
import fc from "fast-check"
import { encodeTaskResponse, toTaskResponse } from "../../adapters/http/handlers/projects.js"
import { TaskResponse } from "../../adapters/http/project-schemas.js"
import { Row, Timestamp } from "../../adapters/sql/rows.js"
import { taskOfRow, TaskRows } from "../../adapters/sql/task-repository.sql.js"
import { SessionRow, sessionOfRow } from "../../adapters/sql/session-repository.sql.js"
import { userOfRow, UserRow } from "../../adapters/sql/user-repository.sql.js"
import { UserId } from "../../domain/identity/user.js"
import { Task } from "../../domain/projects/task.js"

const ID = "0190a1b2-7a2b-7c3d-8e4f-000000000001"
const OTHER = "0190a1b2-7a2b-7c3d-8e4f-000000000002"
const at = new Date("2026-12-01T10:20:30.456Z")

const Member = Row({ userId: UserId, joinedAt: Timestamp, nickName: Schema.optionalKey(Schema.String) })

describe("Row", () => {
  it("reads snake_case columns into the fields, drops other columns, keeps an absent optional absent", () => {
    const decoded = Schema.decodeUnknownSync(Member)({ user_id: ID, joined_at: at, extra_column: 1 })
    expect(decoded).toStrictEqual({ userId: ID, joinedAt: DateTime.fromDateUnsafe(at) })
    expect("nickName" in decoded).toBe(false)
    expect(Schema.decodeUnknownSync(Member)({ user_id: ID, joined_at: at, nick_name: "Ann" }).nickName).toBe("Ann")
  })

  it("writes the fields back as columns", () => {
    const row = Schema.encodeSync(Member)({ userId: UserId.make(ID), joinedAt: DateTime.fromDateUnsafe(at), nickName: "Ann" })
    expect(row).toStrictEqual({ user_id: ID, joined_at: at, nick_name: "Ann" })
  })

  it("refuses a value its field's schema refuses, a missing column, and what is not a row", () => {
    for (const bad of [{ user_id: "not-a-uuid", joined_at: at }, { user_id: ID }, { user_id: ID, joined_at: "yesterday" }, null, [ID, at], "row"]) {
      expect(Exit.isFailure(Schema.decodeUnknownExit(Member)(bad)), JSON.stringify(bad)).toBe(true)
    }
  })
})

const taskRow = {
  id: ID,
  project_id: OTHER,
  title: "Write the report",
  description: "",
  status: "done",
  priority: "high",
  labels: ["docs"],
  due_date: "2031-06-15",
  position: 1024,
  completed_at: at,
  created_by: OTHER,
  created_at: at,
  updated_at: at,
  version: 3,
  assignee_ids: [OTHER],
  blocked_by: [],
  priority_rank: 3
}

describe("the task row", () => {
  it("decodes into a Task and encodes back to the same columns", () => {
    const task = Schema.decodeUnknownSync(TaskRows)(taskRow)
    expect(task).toBeInstanceOf(Task)
    expect(task.dueDate).toStrictEqual(Option.some("2031-06-15"))
    expect(task.completedAt).toStrictEqual(Option.some(DateTime.fromDateUnsafe(at)))
    const { priority_rank: _rank, ...columns } = taskRow
    expect(Schema.encodeSync(TaskRows)(task)).toStrictEqual(columns)
  })

  it("still checks every field once, through Task's own schemas", () => {
    const bad: ReadonlyArray<Record<string, unknown>> = [
      { id: "not-a-uuid" },
      { project_id: "x" },
      { created_by: "" },
      { assignee_ids: ["nope"] },
      { blocked_by: ["nope"] },
      { due_date: "2031-02-30" },
      { status: "paused" },
      { version: 1.5 },
      { created_at: "2026-12-01" },
      { completed_at: 0 }
    ]
    for (const change of bad) {
      expect(Exit.isFailure(Schema.decodeUnknownExit(TaskRows)({ ...taskRow, ...change })), JSON.stringify(change)).toBe(true)
    }
  })

  it("answers a task as the contract's TaskResponse, whose encoder still checks it", () => {
    const task = Schema.decodeUnknownSync(TaskRows)({ ...taskRow, completed_at: null, due_date: null })
    expect(Schema.encodeSync(TaskResponse)(toTaskResponse(task))).toStrictEqual({
      id: ID,
      project_id: OTHER,
      title: "Write the report",
      description: "",
      status: "done",
      priority: "high",
      assignee_ids: [OTHER],
      labels: ["docs"],
      due_date: null,
      position: 1024,
      blocked_by: [],
      completed_at: null,
      created_by: OTHER,
      created_at: "2026-12-01T10:20:30.456Z",
      updated_at: "2026-12-01T10:20:30.456Z",
      version: 3
    })
    // toTaskResponse runs no checks: a response that breaks them is refused when it is encoded.
    const broken: TaskResponse = { ...toTaskResponse(task), id: "not-a-uuid" }
    expect(Exit.isFailure(Schema.encodeUnknownExit(TaskResponse)(broken))).toBe(true)
  })
})

// A task row as the select hands it over, any valid one.
const uuid = fc.uuid({ version: 7 })
const instant = fc.date({ min: new Date("1970-01-01T00:00:00.000Z"), max: new Date("2999-12-31T23:59:59.999Z"), noInvalidDate: true })
const validRow = fc.record({
  id: uuid,
  project_id: uuid,
  title: fc.string(),
  description: fc.string(),
  status: fc.constantFrom("todo", "in_progress", "in_review", "done", "cancelled"),
  priority: fc.constantFrom("low", "medium", "high", "urgent"),
  labels: fc.array(fc.string(), { maxLength: 3 }),
  due_date: fc.option(fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), { nil: null }),
  position: fc.double({ noNaN: true, noDefaultInfinity: true }),
  completed_at: fc.option(instant, { nil: null }),
  created_by: uuid,
  created_at: instant,
  updated_at: instant,
  version: fc.integer({ min: 1 }),
  assignee_ids: fc.array(uuid, { maxLength: 3 }),
  blocked_by: fc.array(uuid, { maxLength: 3 })
})

describe("the task list's fast paths (taskOfRow, encodeTaskResponse)", () => {
  it("read a row into the same Task as TaskRows, and answer it in a form TaskResponse's checks pass and its encoder gives back unchanged", () => {
    fc.assert(fc.property(validRow, (row) => {
      const task = taskOfRow(row)
      expect(task).toBeInstanceOf(Task)
      expect(task).toStrictEqual(Schema.decodeUnknownSync(TaskRows)(row))
      expect(encodeTaskResponse(task)).toStrictEqual(Schema.encodeSync(TaskResponse)(toTaskResponse(task)))
    }), { numRuns: 300 })
  })

  it("refuse every row TaskRows refuses (a defect: the row is not what the table holds)", () => {
    const bad: ReadonlyArray<Record<string, unknown>> = [
      { id: "not-a-uuid" },
      { project_id: "x" },
      { created_by: "" },
      { assignee_ids: ["nope"] },
      { assignee_ids: null },
      { blocked_by: ["nope"] },
      { labels: [1] },
      { due_date: "2031-02-30" },
      { status: "paused" },
      { title: null },
      { version: 1.5 },
      { position: "1" },
      { created_at: "2026-12-01" },
      { created_at: new Date(Number.NaN) },
      { updated_at: undefined },
      { completed_at: 0 }
    ]
    for (const change of bad) {
      const row = { ...taskRow, ...change }
      expect(Exit.isFailure(Schema.decodeUnknownExit(TaskRows)(row)), JSON.stringify(change)).toBe(true)
      expect(() => taskOfRow(row), JSON.stringify(change)).toThrow()
    }
  })
})

// The session and user of every authenticated request, read from the joined row by the classes' own
// constructors (sessionOfRow, userOfRow) instead of SessionRow and UserRow: the same values, the same refusals.
const sessionRow = {
  id: ID,
  user_id: OTHER,
  refresh_token_hash: "f".repeat(64),
  created_at: at,
  last_used_at: at,
  expires_at: at,
  ip: "127.0.0.1",
  user_agent: null,
  revoked_at: null
}
const userRow = {
  id: OTHER,
  email: "ada@example.com",
  name: "Ada",
  role: "user",
  password_hash: "$argon2id$v=19$m=19456,t=2,p=1$abc$def",
  email_verified_at: null,
  created_at: at,
  updated_at: at
}
const validSessionRow = fc.record({
  id: uuid,
  user_id: uuid,
  refresh_token_hash: fc.string({ minLength: 1 }),
  created_at: instant,
  last_used_at: instant,
  expires_at: instant,
  ip: fc.option(fc.string(), { nil: null }),
  user_agent: fc.option(fc.string(), { nil: null }),
  revoked_at: fc.option(instant, { nil: null })
})
const validUserRow = fc.record({
  id: uuid,
  email: fc.emailAddress().map((e) => e.toLowerCase()).filter((e) => e.length <= 254),
  name: fc.string({ minLength: 1, maxLength: 200 }).filter((n) => n.trim() === n && n.length > 0),
  role: fc.constantFrom("user", "admin"),
  password_hash: fc.string(),
  email_verified_at: fc.option(instant, { nil: null }),
  created_at: instant,
  updated_at: instant
})

/** Each change to a good row makes a row that the schema and the fast reader both refuse. */
const refusedByBoth = <S extends Schema.Top>(
  schema: S,
  read: (row: Record<string, unknown>) => unknown,
  good: Record<string, unknown>,
  changes: ReadonlyArray<Record<string, unknown>>
) => {
  for (const change of changes) {
    const row = { ...good, ...change }
    expect(Exit.isFailure(Schema.decodeUnknownExit(schema as unknown as Schema.Codec<unknown, unknown>)(row)), JSON.stringify(change)).toBe(true)
    expect(() => read(row), JSON.stringify(change)).toThrow()
  }
}

describe("the authentication read's fast path (sessionOfRow, userOfRow)", () => {
  it("read a row into the same Session and User as SessionRow and UserRow", () => {
    fc.assert(fc.property(validSessionRow, validUserRow, (s, u) => {
      expect(sessionOfRow(s)).toStrictEqual(Schema.decodeUnknownSync(SessionRow)(s))
      expect(userOfRow(u)).toStrictEqual(Schema.decodeUnknownSync(UserRow)(u))
    }), { numRuns: 300 })
  })

  it("refuse the rows SessionRow and UserRow refuse", () => {
    const badSessions: ReadonlyArray<Record<string, unknown>> = [
      { id: "not-a-uuid" },
      { user_id: null },
      { refresh_token_hash: 7 },
      { expires_at: "2026-12-01" },
      { expires_at: new Date(Number.NaN) },
      { revoked_at: "yesterday" },
      { ip: 1 },
      { user_agent: undefined }
    ]
    refusedByBoth(SessionRow, sessionOfRow, sessionRow, badSessions)
    const badUsers: ReadonlyArray<Record<string, unknown>> = [
      { id: "x" },
      { email: "not an email" },
      { role: "root" },
      { name: 3 },
      { password_hash: null },
      { email_verified_at: 0 },
      { created_at: undefined }
    ]
    refusedByBoth(UserRow, userOfRow, userRow, badUsers)
  })
})
