import { SqlClient } from "@effect/sql"
import type { Statement } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { type TaskSort, TaskRepository, type TaskStats } from "../../application/ports/task-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { ProjectId } from "../../domain/projects/project.js"
import { DueDate, PRIORITY_RANK, Task, TaskId, TaskPriority, TaskStatus } from "../../domain/projects/task.js"
import { containsPattern, textArray } from "./sql-values.js"
import { orStorageFailure } from "./storage-errors.js"

const TaskRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.String,
  title: Schema.String,
  description: Schema.String,
  status: TaskStatus,
  priority: TaskPriority,
  labels: Schema.Array(Schema.String),
  due: Schema.NullOr(Schema.String),
  position: Schema.Number,
  completed_at: Schema.NullOr(Schema.DateFromSelf),
  created_by: Schema.String,
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf,
  version: Schema.Number,
  assignee_ids: Schema.Array(Schema.String),
  blocked_by: Schema.Array(Schema.String)
})
const decodeRows = Schema.decodeUnknown(Schema.Array(TaskRow))

const toTask = (row: typeof TaskRow.Type) =>
  new Task({
    id: TaskId.make(row.id),
    projectId: ProjectId.make(row.project_id),
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    assigneeIds: row.assignee_ids.map((id) => UserId.make(id)),
    labels: row.labels,
    dueDate: Option.map(Option.fromNullable(row.due), (d) => DueDate.make(d)),
    position: row.position,
    blockedBy: row.blocked_by.map((id) => TaskId.make(id)),
    completedAt: Option.map(Option.fromNullable(row.completed_at), DateTime.unsafeFromDate),
    createdBy: UserId.make(row.created_by),
    createdAt: DateTime.unsafeFromDate(row.created_at),
    updatedAt: DateTime.unsafeFromDate(row.updated_at),
    version: row.version
  })

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
      sql`SELECT t.id, t.project_id, t.title, t.description, t.status, t.priority, t.labels,
                 to_char(t.due_date, 'YYYY-MM-DD') AS due, t.position, t.completed_at, t.created_by,
                 t.created_at, t.updated_at, t.version,
                 COALESCE((SELECT array_agg(a.user_id::text ORDER BY a.user_id) FROM task_assignees a WHERE a.task_id = t.id), '{}') AS assignee_ids,
                 COALESCE((SELECT array_agg(d.blocked_by_task_id::text ORDER BY d.blocked_by_task_id) FROM task_dependencies d WHERE d.task_id = t.id), '{}') AS blocked_by
          FROM tasks t WHERE ${where} ${tail}`.pipe(Effect.flatMap(decodeRows), Effect.map((rows) => rows.map(toTask)))
    const writeLinks = (task: Task) =>
      Effect.gen(function*() {
        yield* sql`DELETE FROM task_assignees WHERE task_id = ${task.id}`
        yield* sql`DELETE FROM task_dependencies WHERE task_id = ${task.id}`
        if (task.assigneeIds.length > 0) {
          yield* sql`INSERT INTO task_assignees ${sql.insert(task.assigneeIds.map((user_id) => ({ task_id: task.id, project_id: task.projectId, user_id })))}`
        }
        if (task.blockedBy.length > 0) {
          yield* sql`INSERT INTO task_dependencies ${sql.insert(task.blockedBy.map((b) => ({ task_id: task.id, blocked_by_task_id: b })))}`
        }
      })
    const columns = (task: Task) => ({
      title: task.title,
      description: task.description,
      status: task.status,
      priority: task.priority,
      priority_rank: PRIORITY_RANK[task.priority],
      labels: textArray(task.labels),
      due_date: Option.getOrNull(task.dueDate),
      position: task.position,
      completed_at: Option.getOrNull(Option.map(task.completedAt, DateTime.toDateUtc)),
      updated_at: DateTime.toDateUtc(task.updatedAt),
      version: task.version
    })
    return {
      insert: (task) =>
        sql.withTransaction(
          Effect.zipRight(
            sql`INSERT INTO tasks ${
              sql.insert({
                id: task.id,
                project_id: task.projectId,
                created_by: task.createdBy,
                created_at: DateTime.toDateUtc(task.createdAt),
                ...columns(task)
              })
            }`,
            writeLinks(task)
          )
        ).pipe(Effect.asVoid, orStorageFailure),
      findById: (projectId, id) =>
        select(sql`t.id = ${id} AND t.project_id = ${projectId}`).pipe(
          Effect.map((tasks) => Option.fromNullable(tasks[0])),
          orStorageFailure
        ),
      // The version check and the write are one statement: of two concurrent edits of one version, one wins.
      update: (task, expectedVersion) =>
        sql.withTransaction(
          Effect.gen(function*() {
            const updated = yield* sql`UPDATE tasks SET ${sql.update(columns(task))}
                                       WHERE id = ${task.id} AND project_id = ${task.projectId} AND version = ${expectedVersion}
                                       RETURNING id`
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
        sql<{ task_id: string; blocked_by_task_id: string }>`
          SELECT d.task_id, d.blocked_by_task_id FROM task_dependencies d JOIN tasks t ON t.id = d.task_id
          WHERE t.project_id = ${projectId}`.pipe(
          Effect.map((rows) => {
            const graph = new Map<string, Array<string>>()
            for (const row of rows) graph.set(row.task_id, [...(graph.get(row.task_id) ?? []), row.blocked_by_task_id])
            return graph as ReadonlyMap<string, ReadonlyArray<string>>
          }),
          orStorageFailure
        ),
      unassign: (projectId, userId) =>
        sql`DELETE FROM task_assignees WHERE project_id = ${projectId} AND user_id = ${userId}`.pipe(Effect.asVoid, orStorageFailure),
      stats: (projectId, today) =>
        Effect.gen(function*() {
          const byStatus = yield* sql<{ status: TaskStatus; n: string | number }>`
            SELECT status, count(*) AS n FROM tasks WHERE project_id = ${projectId} GROUP BY status`
          const overdue = yield* sql<{ n: string | number }>`
            SELECT count(*) AS n FROM tasks WHERE project_id = ${projectId} AND due_date < ${today}::date
            AND status NOT IN ('done', 'cancelled')`
          const perAssignee = yield* sql<{ user_id: string; open: string | number; done: string | number }>`
            SELECT a.user_id,
                   count(*) FILTER (WHERE t.status NOT IN ('done', 'cancelled')) AS open,
                   count(*) FILTER (WHERE t.status = 'done') AS done
            FROM task_assignees a JOIN tasks t ON t.id = a.task_id AND t.project_id = ${projectId}
            WHERE a.project_id = ${projectId} GROUP BY a.user_id ORDER BY a.user_id`
          const counts = { todo: 0, in_progress: 0, in_review: 0, done: 0, cancelled: 0 }
          for (const row of byStatus) counts[row.status] = Number(row.n)
          return {
            byStatus: counts,
            overdue: Number(overdue[0]?.n ?? 0),
            perAssignee: perAssignee.map((r) => ({ userId: UserId.make(r.user_id), open: Number(r.open), done: Number(r.done) }))
          } satisfies TaskStats
        }).pipe(orStorageFailure)
    }
  })
)
