import { Context, type Effect, type Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { ProjectId } from "../../domain/projects/project.js"
import type { DueDate, Task, TaskId, TaskPriority, TaskStatus } from "../../domain/projects/task.js"
import type { StorageUnavailable } from "./errors.js"

export interface TaskFilter {
  readonly status: Option.Option<TaskStatus>
  readonly assigneeId: Option.Option<UserId>
  readonly priority: Option.Option<TaskPriority>
  /** Due strictly before this date. */
  readonly dueBefore: Option.Option<DueDate>
  readonly label: Option.Option<string>
  /** Case-insensitive substring of the title or description. */
  readonly q: Option.Option<string>
}

/** Orders a list can take; each maps a task to one number, and ties break on the id. */
export const TaskSorts = ["-created_at", "created_at", "position", "-priority", "due_date"] as const
export type TaskSort = typeof TaskSorts[number]

/** Keyset position in a task list: the sort key's number and the id. */
export interface TaskPosition {
  readonly k: number
  readonly id: string
}

export interface TaskStats {
  readonly byStatus: Readonly<Record<TaskStatus, number>>
  readonly overdue: number
  readonly perAssignee: ReadonlyArray<{ readonly userId: UserId; readonly open: number; readonly done: number }>
}

export class TaskRepository extends Context.Service<TaskRepository, {
  readonly insert: (task: Task) => Effect.Effect<void, StorageUnavailable>
  /** Only within its project: a task id of another project answers none. */
  readonly findById: (projectId: ProjectId, id: TaskId) => Effect.Effect<Option.Option<Task>, StorageUnavailable>
  /** Writes the task if its stored version is still `expectedVersion`; false when someone changed it meanwhile. */
  readonly update: (task: Task, expectedVersion: number) => Effect.Effect<boolean, StorageUnavailable>
  readonly delete: (projectId: ProjectId, id: TaskId) => Effect.Effect<boolean, StorageUnavailable>
  /** limit + 1 rows after `after`, in `sort` order. */
  readonly list: (
    projectId: ProjectId,
    filter: TaskFilter,
    sort: TaskSort,
    after: Option.Option<TaskPosition>,
    limit: number
  ) => Effect.Effect<ReadonlyArray<Task>, StorageUnavailable>
  /** Every task's blockers in the project, for cycle checks. */
  readonly dependencyGraph: (projectId: ProjectId) => Effect.Effect<ReadonlyMap<string, ReadonlyArray<string>>, StorageUnavailable>
  /** Removes a user from every task's assignees in the project (when they leave it). */
  readonly unassign: (projectId: ProjectId, userId: UserId) => Effect.Effect<void, StorageUnavailable>
  readonly stats: (projectId: ProjectId, today: DueDate) => Effect.Effect<TaskStats, StorageUnavailable>
}>()("TaskRepository") {}
