import { DateTime, Effect, Option, Schema } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { UserId } from "../../domain/identity/user.js"
import { diff } from "../../domain/projects/activity.js"
import { InvalidProjectChange, StaleVersion } from "../../domain/projects/errors.js"
import { can } from "../../domain/projects/permissions.js"
import type { ProjectId } from "../../domain/projects/project.js"
import {
  completedAtFor,
  createsCycle,
  type DueDate,
  PRIORITY_RANK,
  Task,
  TaskId,
  type TaskPriority,
  type TaskStatus
} from "../../domain/projects/task.js"
import { NotFound } from "../../domain/shared/errors.js"
import { Ids } from "../ports/ids.js"
import { ProjectRepository } from "../ports/project-repository.js"
import { type TaskFilter, type TaskPosition, TaskRepository, type TaskSort, TaskSorts } from "../ports/task-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { CursorId, cursorOf, InvalidCursor, type PageRequest } from "../shared/pagination.js"
import { accessForChange, accessProject } from "./access.js"
import { recordActivity } from "./activity.js"
import { FIRST_DAY, FIRST_INSTANT_MS, LAST_DAY, LAST_INSTANT_MS } from "../../domain/shared/calendar-date.js"

export interface TaskInput {
  readonly title: string
  readonly description: string
  readonly status: TaskStatus
  readonly priority: TaskPriority
  readonly assigneeIds: ReadonlyArray<UserId>
  readonly labels: ReadonlyArray<string>
  readonly dueDate: Option.Option<DueDate>
  readonly position: Option.Option<number>
  readonly blockedBy: ReadonlyArray<TaskId>
}

/** The fields to change, and optionally the version the caller read (then a stale one is refused). */
export type TaskPatch = { readonly [K in keyof TaskInput]?: TaskInput[K] } & { readonly version?: number }

const fieldsOf = (t: Task) => ({
  title: t.title,
  description: t.description,
  status: t.status,
  priority: t.priority,
  assignee_ids: t.assigneeIds,
  labels: t.labels,
  due_date: Option.getOrNull(t.dueDate),
  position: t.position,
  blocked_by: t.blockedBy
})

const sorted = <A extends string>(ids: ReadonlyArray<A>): ReadonlyArray<A> => [...new Set(ids)].sort()

/** Assignees must be members; blockers must be tasks of this project and must not close a cycle. */
const validateLinks = (projectId: ProjectId, taskId: TaskId, assigneeIds: ReadonlyArray<UserId>, blockedBy: ReadonlyArray<TaskId>) =>
  Effect.gen(function*() {
    const projects = yield* ProjectRepository
    for (const userId of assigneeIds) {
      if (Option.isNone(yield* projects.membership(projectId, userId))) {
        return yield* new InvalidProjectChange({ field: "assignee_ids", reason: `${userId} is not a member of this project` })
      }
    }
    const tasks = yield* TaskRepository
    for (const blocker of blockedBy) {
      if (blocker === taskId) return yield* new InvalidProjectChange({ field: "blocked_by", reason: "a task cannot block itself" })
      if (Option.isNone(yield* tasks.findById(projectId, blocker))) {
        return yield* new InvalidProjectChange({ field: "blocked_by", reason: `${blocker} is not a task of this project` })
      }
    }
    if (blockedBy.length > 0) {
      const graph = yield* tasks.dependencyGraph(projectId)
      if (createsCycle(taskId, blockedBy, (id) => graph.get(id) ?? [])) {
        return yield* new InvalidProjectChange({ field: "blocked_by", reason: "these dependencies would make a cycle" })
      }
    }
  })

export const createTask = Effect.fn("Projects.createTask")(function*(actor: Actor, projectId: ProjectId, input: TaskInput) {
  yield* accessForChange(actor, projectId, can.writeTasks, "create tasks")
  const id = TaskId.make(yield* (yield* Ids).next)
  const assigneeIds = sorted(input.assigneeIds)
  const blockedBy = sorted(input.blockedBy)
  yield* validateLinks(projectId, id, assigneeIds, blockedBy)
  const now = yield* DateTime.now
  const task = new Task({
    id,
    projectId,
    title: input.title,
    description: input.description,
    status: input.status,
    priority: input.priority,
    assigneeIds,
    labels: [...new Set(input.labels)],
    dueDate: input.dueDate,
    // New tasks go to the end of their column unless placed.
    position: Option.getOrElse(input.position, () => DateTime.toEpochMillis(now)),
    blockedBy,
    completedAt: input.status === "done" ? Option.some(now) : Option.none(),
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
    version: 1
  })
  yield* (yield* UnitOfWork).transaction(
    Effect.andThen((yield* TaskRepository).insert(task), recordActivity(actor, projectId, "task.created", "task", id, diff({}, fieldsOf(task))))
  )
  return task
})

/** The task within its project, or NotFound (a task of another project answers the same). */
export const findTask = (projectId: ProjectId, taskId: TaskId) =>
  Effect.flatMap(TaskRepository, (tasks) => tasks.findById(projectId, taskId)).pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.fail(new NotFound({ resource: "Task" })), onSome: Effect.succeed }))
  )

export const getTask = Effect.fn("Projects.getTask")(function*(actor: Actor, projectId: ProjectId, taskId: TaskId) {
  yield* accessProject(actor, projectId)
  return yield* findTask(projectId, taskId)
})

/**
 * Applies a patch. With a `version` (the one the caller read) a stale one is refused (409), never
 * silently lost; without one the patch applies to whatever the task is now (last write wins), as
 * API.md allows.
 */
export const updateTask = Effect.fn("Projects.updateTask")(function*(actor: Actor, projectId: ProjectId, taskId: TaskId, patch: TaskPatch) {
  yield* accessForChange(actor, projectId, can.writeTasks, "edit tasks")
  // An unversioned patch that loses a race to another write is applied again over the newer task:
  // its caller did not ask for a check, so it gets no conflict unless the task keeps changing.
  for (let attempt = 1; ; attempt++) {
    const outcome = yield* applyPatch(actor, projectId, taskId, patch)
    if (outcome._tag === "Applied") return outcome.task
    if (patch.version !== undefined || attempt >= 3) return yield* new StaleVersion({ current: outcome.current })
  }
})

type PatchOutcome = { readonly _tag: "Applied"; readonly task: Task } | { readonly _tag: "LostRace"; readonly current: number }
const applied = (task: Task): PatchOutcome => ({ _tag: "Applied", task })
const lostRace = (current: number): PatchOutcome => ({ _tag: "LostRace", current })

const applyPatch = Effect.fnUntraced(function*(actor: Actor, projectId: ProjectId, taskId: TaskId, patch: TaskPatch) {
  const current = yield* findTask(projectId, taskId)
  if (patch.version !== undefined && patch.version !== current.version) return yield* new StaleVersion({ current: current.version })
  const assigneeIds = patch.assigneeIds !== undefined ? sorted(patch.assigneeIds) : current.assigneeIds
  const blockedBy = patch.blockedBy !== undefined ? sorted(patch.blockedBy) : current.blockedBy
  yield* validateLinks(projectId, taskId, patch.assigneeIds !== undefined ? assigneeIds : [], patch.blockedBy !== undefined ? blockedBy : [])
  const now = yield* DateTime.now
  const status = patch.status ?? current.status
  const updated = new Task({
    ...current,
    title: patch.title ?? current.title,
    description: patch.description ?? current.description,
    status,
    priority: patch.priority ?? current.priority,
    assigneeIds,
    labels: patch.labels !== undefined ? [...new Set(patch.labels)] : current.labels,
    dueDate: patch.dueDate ?? current.dueDate,
    position: patch.position !== undefined ? Option.getOrElse(patch.position, () => current.position) : current.position,
    blockedBy,
    completedAt: completedAtFor(current.completedAt, current.status === "done", status, now),
    updatedAt: now,
    version: current.version + 1
  })
  const changes = diff(fieldsOf(current), fieldsOf(updated))
  if (Object.keys(changes).length === 0) return applied(current)
  const tasks = yield* TaskRepository
  return yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      if (!(yield* tasks.update(updated, current.version))) {
        const latest = yield* tasks.findById(projectId, taskId)
        return lostRace(Option.match(latest, { onNone: () => current.version + 1, onSome: (t) => t.version }))
      }
      yield* recordActivity(actor, projectId, "task.updated", "task", taskId, changes)
      return applied(updated)
    })
  )
})

export const deleteTask = Effect.fn("Projects.deleteTask")(function*(actor: Actor, projectId: ProjectId, taskId: TaskId) {
  yield* accessForChange(actor, projectId, can.writeTasks, "delete tasks")
  const task = yield* findTask(projectId, taskId)
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      yield* (yield* TaskRepository).delete(projectId, taskId)
      yield* recordActivity(actor, projectId, "task.deleted", "task", taskId, diff(fieldsOf(task), {}))
    })
  )
})

const TaskCursor = cursorOf(Schema.Struct({ k: Schema.Finite, id: CursorId, s: Schema.Literals(TaskSorts) }))

/** Where tasks without a due date sort (last): the largest 4-byte integer, as the SQL adapter's COALESCE. */
const NO_DUE_DATE = 2_147_483_647

const isTime = (k: number) => Number.isInteger(k) && k >= FIRST_INSTANT_MS && k <= LAST_INSTANT_MS

/**
 * Whether `k` is a number `sortNumber` gives for `sort`. A cursor is the client's to send back, so
 * its number is checked like any input before it becomes a timestamp, an integer or a date in SQL.
 */
const isSortNumber: Record<TaskSort, (k: number) => boolean> = {
  "-created_at": isTime,
  "created_at": isTime,
  "position": Number.isFinite,
  "-priority": (k) => Number.isInteger(k) && k >= 1 && k <= 4,
  "due_date": (k) => Number.isInteger(k) && ((k >= FIRST_DAY && k <= LAST_DAY) || k === NO_DUE_DATE)
}

export const listTasks = Effect.fn("Projects.listTasks")(function*(
  actor: Actor,
  projectId: ProjectId,
  filter: TaskFilter,
  sort: TaskSort,
  page: PageRequest
) {
  yield* accessProject(actor, projectId)
  // Filtering by someone outside the project tells nothing about them: it answers as a missing member.
  if (Option.isSome(filter.assigneeId) && Option.isNone(yield* (yield* ProjectRepository).membership(projectId, filter.assigneeId.value))) {
    return yield* new NotFound({ resource: "Member" })
  }
  const after = yield* Option.match(page.cursor, {
    onNone: () => Effect.succeed(Option.none<TaskPosition>()),
    onSome: (raw) =>
      Schema.decodeEffect(TaskCursor)(raw).pipe(
        // A cursor belongs to one sort order: reusing it with another would skip or repeat rows.
        Effect.filterOrFail((c) => c.s === sort && isSortNumber[sort](c.k), () => new InvalidCursor()),
        Effect.map((c) => Option.some({ k: c.k, id: c.id })),
        Effect.mapError(() => new InvalidCursor())
      )
  })
  const rows = yield* (yield* TaskRepository).list(projectId, filter, sort, after, page.limit)
  const items = rows.slice(0, page.limit)
  const last = items.at(-1)
  return {
    items,
    nextCursor: rows.length > page.limit && last !== undefined
      ? Option.some(Schema.encodeSync(TaskCursor)({ k: sortNumber(sort, last), id: last.id, s: sort }))
      : Option.none()
  }
})

/** The number a task sorts by in `sort` (the repositories order by the same numbers). */
export const sortNumber = (sort: TaskSort, task: Task): number => {
  switch (sort) {
    case "-created_at":
    case "created_at":
      return DateTime.toEpochMillis(task.createdAt)
    case "position":
      return task.position
    case "-priority":
      return PRIORITY_RANK[task.priority]
    case "due_date":
      return Option.match(task.dueDate, { onNone: () => NO_DUE_DATE, onSome: (d) => Date.parse(`${d}T00:00:00Z`) / 86_400_000 })
  }
}
