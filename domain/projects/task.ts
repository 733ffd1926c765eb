import { DateTime, Option, Schema } from "effect"
import { UserId } from "../identity/user.js"
import { CalendarDate } from "../shared/calendar-date.js"
import { ProjectId } from "./project.js"

export const TaskId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("TaskId"))
export type TaskId = typeof TaskId.Type

export const TaskStatus = Schema.Literals(["todo", "in_progress", "in_review", "done", "cancelled"])
export type TaskStatus = typeof TaskStatus.Type

export const TaskPriority = Schema.Literals(["low", "medium", "high", "urgent"])
export type TaskPriority = typeof TaskPriority.Type
export const PRIORITY_RANK: Record<TaskPriority, number> = { low: 1, medium: 2, high: 3, urgent: 4 }

/** The day a task is due: a calendar date, checked as every date from a client is. */
export const DueDate = CalendarDate
export type DueDate = CalendarDate

export class Task extends Schema.Class<Task>("Task")({
  id: TaskId,
  projectId: ProjectId,
  title: Schema.String,
  description: Schema.String,
  status: TaskStatus,
  priority: TaskPriority,
  assigneeIds: Schema.Array(UserId),
  labels: Schema.Array(Schema.String),
  dueDate: Schema.OptionFromNullOr(DueDate),
  position: Schema.Number,
  blockedBy: Schema.Array(TaskId),
  completedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc),
  createdBy: UserId,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  /** Bumped by every change: a PATCH names the version it read, and a stale one is refused. */
  version: Schema.Int
}) {}

/** `completed_at` follows the status: set on entering done, cleared on leaving it. */
export const completedAtFor = (before: Option.Option<DateTime.Utc>, wasDone: boolean, status: TaskStatus, now: DateTime.Utc) =>
  status === "done" ? (wasDone ? before : Option.some(now)) : Option.none()

export const isOverdue = (task: Task, today: string): boolean =>
  Option.isSome(task.dueDate) && task.dueDate.value < today && task.status !== "done" && task.status !== "cancelled"

/**
 * Whether making `taskId` blocked by `blockers` closes a cycle, given every other task's blockers.
 * A depth-first walk from each new blocker looking for `taskId`.
 */
export const createsCycle = (
  taskId: string,
  blockers: ReadonlyArray<string>,
  blockedByOf: (id: string) => ReadonlyArray<string>
): boolean => {
  const seen = new Set<string>()
  const stack = [...blockers]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (id === taskId) return true
    if (seen.has(id)) continue
    seen.add(id)
    stack.push(...blockedByOf(id))
  }
  return false
}
