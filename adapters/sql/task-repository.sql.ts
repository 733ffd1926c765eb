import { SqlClient, SqlSchema } from "effect/sql"
import type { Statement } from "effect/sql"
import { Array as Arr, Effect, Layer, Option, Schema } from "effect"
import { type TaskSort, TaskRepository, type TaskStats } from "../../application/ports/task-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { PRIORITY_RANK, Task, TaskId, TaskPriority, TaskStatus } from "../../domain/projects/task.js"
import { allRows, asIs, firstRow, instant, Int8, optional, Row, Timestamp } from "./rows.js"
import { containsPattern } from "./sql-values.js"
import { orStorageFailure } from "./storage-errors.js"

/**
 * A task's row with its links: its assignees and the tasks it waits for, aggregated from their tables.
 * The columns are read as the task's encoded fields (a timestamptz's Date made a DateTime, the rest as
 * they come) and decoded by the Task class itself, which checks every field once and builds the task
 * without a second pass: the ids, dates and numbers are checked by Task's own schemas, not by a copy
 * of them here (reading a row through a checked row schema into Task.makeEffect checked them twice).
 */
export const TaskRows = Row({
  id: Schema.String,
  projectId: Schema.String,
  title: Schema.String,
  description: Schema.String,
  status: TaskStatus,
  priority: TaskPriority,
  labels: Schema.Array(Schema.String),
  // date: sql-pg reads it as "YYYY-MM-DD", which is what a DueDate is (checked by Task).
  dueDate: Schema.NullOr(Schema.String),
  position: Schema.Number,
  completedAt: Schema.NullOr(Timestamp),
  createdBy: Schema.String,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: Schema.Number,
  assigneeIds: Schema.Array(Schema.String),
  blockedBy: Schema.Array(Schema.String)
}).pipe(Schema.decodeTo(Task))
const TaskRow = TaskRows

/**
 * A row of the select below into a Task, as TaskRows decodes it (tests/adapters/rows.test.ts holds
 * the two equal, and refusing the same rows): the columns renamed, a Date made a DateTime, a null
 * made None, then Task's own constructor checks every field. Schema's parser spent about 12 µs of
 * CPU a row on a 16-field row (its machinery, not the checks: `npm run bench:encoding`); the
 * constructor checks the same fields in about 3. A row it refuses throws, which is a defect, as a
 * row TaskRows refuses is.
 */
export const taskOfRow = (row: Readonly<Record<string, unknown>>): Task =>
  new Task({
    id: row["id"],
    projectId: row["project_id"],
    title: row["title"],
    description: row["description"],
    status: row["status"],
    priority: row["priority"],
    assigneeIds: row["assignee_ids"],
    labels: row["labels"],
    dueDate: optional(row["due_date"], asIs),
    position: row["position"],
    blockedBy: row["blocked_by"],
    completedAt: optional(row["completed_at"], instant),
    createdBy: row["created_by"],
    createdAt: instant(row["created_at"]),
    updatedAt: instant(row["updated_at"]),
    version: row["version"]
  } as unknown as ConstructorParameters<typeof Task>[0])

const tasks = <E, R>(rows: Effect.Effect<ReadonlyArray<Readonly<Record<string, unknown>>>, E, R>) =>
  Effect.map(rows, (page) => page.map(taskOfRow))

/** The tasks table's own columns: the links live in tables of their own, and the priority's rank is stored to sort on. */
const taskColumns = ({ assignee_ids: _assignees, blocked_by: _blockedBy, ...columns }: typeof TaskRow.Encoded) => ({
  ...columns,
  priority_rank: PRIORITY_RANK[columns.priority]
})
/** What an update leaves alone. */
const KEPT_ON_UPDATE = ["id", "project_id", "created_by", "created_at"] as const

const byStatus = allRows(Row({ status: TaskStatus, n: Int8 }))
const count = firstRow(Row({ n: Int8 }))
const perAssignee = allRows(Row({ userId: UserId, open: Int8, done: Int8 }))
const dependencies = allRows(Row({ taskId: TaskId, blockedByTaskId: TaskId }))

/**
 * Each sort's column (ordered as it is stored, so the indexes on (project_id, created_at, id) and
 * (project_id, status, position, id) can hand rows over in order), how a cursor's number becomes a
 * value of that column, and the direction. The cursor numbers are the ones the in-memory adapter uses.
 */
const SORT_KEYS: Record<TaskSort, { readonly expr: string; readonly cursor: (k: number) => unknown; readonly cast: string; readonly desc: boolean }> = {
  "-created_at": { expr: "t.created_at", cursor: (k) => new Date(k).toISOString(), cast: "timestamptz", desc: true },
  "created_at": { expr: "t.created_at", cursor: (k) => new Date(k).toISOString(), cast: "timestamptz", desc: false },
  "position": { expr: "t.position", cursor: (k) => k, cast: "double precision", desc: false },
  "-priority": { expr: "t.priority_rank", cursor: (k) => k, cast: "integer", desc: true },
  "due_date": { expr: "COALESCE((t.due_date - DATE '1970-01-01'), 2147483647)", cursor: (k) => Math.round(k), cast: "integer", desc: false }
}

export const TaskRepositorySql = Layer.effect(
  TaskRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const select = (where: Statement.Fragment, tail: Statement.Fragment = sql``) =>
      tasks(sql`SELECT t.id, t.project_id, t.title, t.description, t.status, t.priority, t.labels,
                 t.due_date, t.position, t.completed_at, t.created_by,
                 t.created_at, t.updated_at, t.version,
                 COALESCE((SELECT array_agg(a.user_id::text ORDER BY a.user_id) FROM task_assignees a WHERE a.task_id = t.id), '{}') AS assignee_ids,
                 COALESCE((SELECT array_agg(d.blocked_by_task_id::text ORDER BY d.blocked_by_task_id) FROM task_dependencies d WHERE d.task_id = t.id), '{}') AS blocked_by
          FROM tasks t WHERE ${where} ${tail}`)
    const writeLinks = (task: Task) =>
      Effect.gen(function*() {
        yield* sql`DELETE FROM task_assignees WHERE task_id = ${task.id}`
        yield* sql`DELETE FROM task_dependencies WHERE task_id = ${task.id}`
        if (Arr.isReadonlyArrayNonEmpty(task.assigneeIds)) {
          yield* sql`INSERT INTO task_assignees ${
            sql.insert(Arr.map(task.assigneeIds, (user_id) => ({ task_id: task.id, project_id: task.projectId, user_id })))
          }`
        }
        if (Arr.isReadonlyArrayNonEmpty(task.blockedBy)) {
          yield* sql`INSERT INTO task_dependencies ${sql.insert(Arr.map(task.blockedBy, (b) => ({ task_id: task.id, blocked_by_task_id: b })))}`
        }
      })
    const insert = SqlSchema.void({ Request: TaskRow, execute: (row) => sql`INSERT INTO tasks ${sql.insert(taskColumns(row))}` })
    // The version check and the write are one statement: of two concurrent edits of one version, one wins.
    const update = SqlSchema.findAll({
      Request: Schema.Struct({ task: TaskRow, expectedVersion: Schema.Int }),
      Result: Row({ id: TaskId }),
      execute: ({ expectedVersion, task }) =>
        sql`UPDATE tasks SET ${sql.update(taskColumns(task), KEPT_ON_UPDATE)}
            WHERE id = ${task.id} AND project_id = ${task.project_id} AND version = ${expectedVersion}
            RETURNING id`
    })
    return TaskRepository.of({
      insert: (task) => sql.withTransaction(Effect.andThen(insert(task), writeLinks(task))).pipe(orStorageFailure),
      findById: (projectId, id) =>
        select(sql`t.id = ${id} AND t.project_id = ${projectId}`).pipe(Effect.map(Arr.head), orStorageFailure),
      update: (task, expectedVersion) =>
        sql.withTransaction(
          Effect.gen(function*() {
            const updated = yield* update({ task, expectedVersion })
            if (updated.length === 0) return false
            yield* writeLinks(task)
            return true
          })
        ).pipe(orStorageFailure),
      delete: (projectId, id) =>
        sql`DELETE FROM tasks WHERE id = ${id} AND project_id = ${projectId} RETURNING id`.pipe(
          Effect.map((rows) => rows.length === 1),
          orStorageFailure
        ),
      list: (projectId, filter, sort, after, limit) => {
        const key = SORT_KEYS[sort]
        const conditions: Array<Statement.Fragment> = [
          sql`t.project_id = ${projectId}`,
          ...Option.toArray(Option.map(filter.status, (s) => sql`t.status = ${s}`)),
          ...Option.toArray(Option.map(filter.priority, (p) => sql`t.priority = ${p}`)),
          ...Option.toArray(Option.map(filter.dueBefore, (d) => sql`t.due_date < ${d}::date`)),
          ...Option.toArray(Option.map(filter.label, (l) => sql`t.labels @> ARRAY[${l}]::text[]`)),
          ...Option.toArray(Option.map(filter.assigneeId, (u) =>
            // Naming the project lets the lookup use task_assignees_user_idx (project_id, user_id, task_id).
            sql`EXISTS (SELECT 1 FROM task_assignees a WHERE a.project_id = ${projectId} AND a.user_id = ${u} AND a.task_id = t.id)`)),
          ...Option.toArray(Option.map(filter.q, (q) => {
            const pattern = containsPattern(q)
            return sql`(t.title ILIKE ${pattern} OR t.description ILIKE ${pattern})`
          })),
          ...Option.toArray(Option.map(after, (p) =>
            key.desc
              ? sql`(${sql.literal(key.expr)}, t.id) < (${key.cursor(p.k)}::${sql.literal(key.cast)}, ${p.id}::uuid)`
              : sql`(${sql.literal(key.expr)}, t.id) > (${key.cursor(p.k)}::${sql.literal(key.cast)}, ${p.id}::uuid)`))
        ]
        const direction = key.desc ? "DESC" : "ASC"
        return select(
          sql.and(conditions),
          sql`ORDER BY ${sql.literal(key.expr)} ${sql.literal(direction)}, t.id ${sql.literal(direction)} LIMIT ${limit + 1}`
        ).pipe(orStorageFailure)
      },
      dependencyGraph: (projectId) =>
        dependencies(sql`
          SELECT d.task_id, d.blocked_by_task_id FROM task_dependencies d JOIN tasks t ON t.id = d.task_id
          WHERE t.project_id = ${projectId}`).pipe(
          Effect.map((rows) => {
            const graph = new Map<string, Array<string>>()
            for (const row of rows) graph.set(row.taskId, [...(graph.get(row.taskId) ?? []), row.blockedByTaskId])
            return graph as ReadonlyMap<string, ReadonlyArray<string>>
          }),
          orStorageFailure
        ),
      unassign: (projectId, userId) =>
        sql`DELETE FROM task_assignees WHERE project_id = ${projectId} AND user_id = ${userId}`.pipe(Effect.asVoid, orStorageFailure),
      stats: (projectId, today) =>
        Effect.all({
          byStatus: byStatus(sql`SELECT status, count(*) AS n FROM tasks WHERE project_id = ${projectId} GROUP BY status`),
          overdue: count(sql`
            SELECT count(*) AS n FROM tasks WHERE project_id = ${projectId} AND due_date < ${today}::date
            AND status NOT IN ('done', 'cancelled')`),
          perAssignee: perAssignee(sql`
            SELECT a.user_id,
                   count(*) FILTER (WHERE t.status NOT IN ('done', 'cancelled')) AS open,
                   count(*) FILTER (WHERE t.status = 'done') AS done
            FROM task_assignees a JOIN tasks t ON t.id = a.task_id AND t.project_id = ${projectId}
            WHERE a.project_id = ${projectId} GROUP BY a.user_id ORDER BY a.user_id`)
        }).pipe(
          Effect.map(({ byStatus, overdue, perAssignee }): TaskStats => {
            const counts = { todo: 0, in_progress: 0, in_review: 0, done: 0, cancelled: 0 }
            for (const row of byStatus) counts[row.status] = row.n
            return { byStatus: counts, overdue: Option.match(overdue, { onNone: () => 0, onSome: (r) => r.n }), perAssignee }
          }),
          orStorageFailure
        )
    })
  })
)
