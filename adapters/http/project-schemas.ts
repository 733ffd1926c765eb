import { Schema } from "effect"
import { Email } from "../../domain/identity/user.js"
import { ProjectRole } from "../../domain/projects/project.js"
import { DueDate, TaskPriority, TaskStatus } from "../../domain/projects/task.js"
import { TaskSorts } from "../../application/ports/task-repository.js"
import { withDefault } from "./request-fields.js"

const text = (field: string, min: number, max: number) =>
  Schema.Trim.pipe(
    Schema.check(Schema.isMinLength(min, { message: `${field} must not be empty` })),
    Schema.check(Schema.isMaxLength(max, { message: `${field} must be at most ${max} characters` }))
  )
const longText = (field: string, max: number) =>
  Schema.String.pipe(Schema.check(Schema.isMaxLength(max, { message: `${field} must be at most ${max} characters` })))

export const ProjectIdPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()) })
export const MemberPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()), user_id: Schema.String.check(Schema.isUUID()) })
export const TaskPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()), task_id: Schema.String.check(Schema.isUUID()) })
export const CommentPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()), task_id: Schema.String.check(Schema.isUUID()), comment_id: Schema.String.check(Schema.isUUID()) })

export const CreateProjectRequest = Schema.Struct({
  name: text("name", 1, 200),
  description: withDefault(longText("description", 10_000), "")
})
export const UpdateProjectRequest = Schema.Struct({
  name: Schema.optional(text("name", 1, 200)),
  description: Schema.optional(longText("description", 10_000))
})

export const ProjectListQuery = Schema.Struct({
  status: Schema.optional(Schema.Literals(["active", "archived", "all"])),
  q: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(200))))
})

export class ProjectResponse extends Schema.Class<ProjectResponse>("ProjectResponse")({
  id: Schema.String.check(Schema.isUUID()),
  name: Schema.String,
  description: Schema.String,
  status: Schema.Literals(["active", "archived"]),
  role: ProjectRole.annotate({ description: "The caller's role in the project" }),
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString,
  archived_at: Schema.NullOr(Schema.DateTimeUtcFromString)
}) {}

export const TransferRequest = Schema.Struct({ user_id: Schema.String.check(Schema.isUUID()) })

export class ProjectStatsResponse extends Schema.Class<ProjectStatsResponse>("ProjectStatsResponse")({
  by_status: Schema.Record(TaskStatus, Schema.Int),
  total: Schema.Int,
  overdue: Schema.Int,
  per_assignee: Schema.Array(Schema.Struct({ user_id: Schema.String.check(Schema.isUUID()), open: Schema.Int, done: Schema.Int }))
}) {}

export const AddMemberRequest = Schema.Struct({ email: Email, role: ProjectRole })
export const ChangeRoleRequest = Schema.Struct({ role: ProjectRole })

export class MemberResponse extends Schema.Class<MemberResponse>("MemberResponse")({
  user_id: Schema.String.check(Schema.isUUID()),
  email: Schema.String,
  name: Schema.String,
  role: ProjectRole,
  joined_at: Schema.DateTimeUtcFromString
}) {}

const Labels = Schema.Array(text("label", 1, 50)).pipe(Schema.check(Schema.isMaxLength(20, { message: "at most 20 labels" })))
const UserIds = Schema.Array(Schema.String.check(Schema.isUUID())).pipe(Schema.check(Schema.isMaxLength(20, { message: "at most 20 assignees" })))
const TaskIds = Schema.Array(Schema.String.check(Schema.isUUID())).pipe(Schema.check(Schema.isMaxLength(50, { message: "at most 50 blockers" })))
const Position = Schema.Number.pipe(Schema.check(Schema.isFinite({ message: "position must be a finite number" })))

export const CreateTaskRequest = Schema.Struct({
  title: text("title", 1, 300),
  description: withDefault(longText("description", 20_000), ""),
  status: withDefault(TaskStatus, "todo"),
  priority: withDefault(TaskPriority, "medium"),
  assignee_ids: withDefault(UserIds, []),
  labels: withDefault(Labels, []),
  due_date: Schema.optional(Schema.NullOr(DueDate)),
  position: Schema.optional(Position),
  blocked_by: withDefault(TaskIds, [])
})

export const UpdateTaskRequest = Schema.Struct({
  version: Schema.optional(
    Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1, { message: "version must be 1 or more" })))
      .annotate({ description: "The version you read (or send If-Match): a stale one is refused with 409; without either the change applies" })
  ),
  title: Schema.optional(text("title", 1, 300)),
  description: Schema.optional(longText("description", 20_000)),
  status: Schema.optional(TaskStatus),
  priority: Schema.optional(TaskPriority),
  assignee_ids: Schema.optional(UserIds),
  labels: Schema.optional(Labels),
  due_date: Schema.optional(Schema.NullOr(DueDate)),
  position: Schema.optional(Position),
  blocked_by: Schema.optional(TaskIds)
})

export const TaskListQuery = Schema.Struct({
  status: Schema.optional(TaskStatus),
  assignee_id: Schema.optional(Schema.String.check(Schema.isUUID())),
  priority: Schema.optional(TaskPriority),
  due_before: Schema.optional(DueDate),
  label: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(50)))),
  q: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(200)))),
  sort: Schema.optional(Schema.Literals(TaskSorts))
})

/**
 * A struct, not a class: a list encodes up to 100 of them per request, and a class costs an instance
 * check and a copy into a struct for each before the same field encoding (bench/task-encoding.ts).
 */
export const TaskResponse = Schema.Struct({
  id: Schema.String.check(Schema.isUUID()),
  project_id: Schema.String.check(Schema.isUUID()),
  title: Schema.String,
  description: Schema.String,
  status: TaskStatus,
  priority: TaskPriority,
  assignee_ids: Schema.Array(Schema.String.check(Schema.isUUID())),
  labels: Schema.Array(Schema.String),
  due_date: Schema.NullOr(Schema.String),
  position: Schema.Number,
  blocked_by: Schema.Array(Schema.String.check(Schema.isUUID())),
  completed_at: Schema.NullOr(Schema.DateTimeUtcFromString),
  created_by: Schema.String.check(Schema.isUUID()),
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString,
  version: Schema.Int
}).annotate({ identifier: "TaskResponse" })
export type TaskResponse = typeof TaskResponse.Type

export const CommentRequest = Schema.Struct({ body: text("body", 1, 10_000) })

export class CommentResponse extends Schema.Class<CommentResponse>("CommentResponse")({
  id: Schema.String.check(Schema.isUUID()),
  task_id: Schema.String.check(Schema.isUUID()),
  author_id: Schema.String.check(Schema.isUUID()),
  body: Schema.String,
  created_at: Schema.DateTimeUtcFromString,
  edited_at: Schema.NullOr(Schema.DateTimeUtcFromString)
}) {}

export class ActivityResponse extends Schema.Class<ActivityResponse>("ActivityResponse")({
  id: Schema.String.check(Schema.isUUID()),
  actor_id: Schema.String.check(Schema.isUUID()),
  action: Schema.String,
  target_type: Schema.String,
  target_id: Schema.String,
  changes: Schema.Record(Schema.String, Schema.Struct({ before: Schema.optional(Schema.Unknown), after: Schema.optional(Schema.Unknown) })),
  created_at: Schema.DateTimeUtcFromString
}) {}
