import { Schema } from "effect"
import { Email } from "../../domain/identity/user.js"
import { ProjectRole } from "../../domain/projects/project.js"
import { DueDate, TaskPriority, TaskStatus } from "../../domain/projects/task.js"
import { TaskSorts } from "../../application/ports/task-repository.js"
import { requestBody } from "./identity-schemas.js"

const text = (field: string, min: number, max: number) =>
  Schema.Trim.pipe(
    Schema.minLength(min, { message: () => `${field} must not be empty` }),
    Schema.maxLength(max, { message: () => `${field} must be at most ${max} characters` })
  )
const longText = (field: string, max: number) =>
  Schema.String.pipe(Schema.maxLength(max, { message: () => `${field} must be at most ${max} characters` }))

export const ProjectIdPath = Schema.Struct({ id: Schema.UUID })
export const MemberPath = Schema.Struct({ id: Schema.UUID, user_id: Schema.UUID })
export const TaskPath = Schema.Struct({ id: Schema.UUID, task_id: Schema.UUID })
export const CommentPath = Schema.Struct({ id: Schema.UUID, task_id: Schema.UUID, comment_id: Schema.UUID })

export const CreateProjectRequest = requestBody({
  name: text("name", 1, 200),
  description: Schema.optionalWith(longText("description", 10_000), { default: () => "" })
})
export const UpdateProjectRequest = requestBody({
  name: Schema.optional(text("name", 1, 200)),
  description: Schema.optional(longText("description", 10_000))
})

export const ProjectListQuery = Schema.Struct({
  status: Schema.optional(Schema.Literal("active", "archived", "all")),
  q: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
})

export class ProjectResponse extends Schema.Class<ProjectResponse>("ProjectResponse")({
  id: Schema.UUID,
  name: Schema.String,
  description: Schema.String,
  status: Schema.Literal("active", "archived"),
  role: ProjectRole.annotations({ description: "The caller's role in the project" }),
  created_at: Schema.DateTimeUtc,
  updated_at: Schema.DateTimeUtc,
  archived_at: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export const TransferRequest = requestBody({ user_id: Schema.UUID })

export class ProjectStatsResponse extends Schema.Class<ProjectStatsResponse>("ProjectStatsResponse")({
  by_status: Schema.Record({ key: TaskStatus, value: Schema.Int }),
  total: Schema.Int,
  overdue: Schema.Int,
  per_assignee: Schema.Array(Schema.Struct({ user_id: Schema.UUID, open: Schema.Int, done: Schema.Int }))
}) {}

export const AddMemberRequest = requestBody({ email: Email, role: ProjectRole })
export const ChangeRoleRequest = requestBody({ role: ProjectRole })

export class MemberResponse extends Schema.Class<MemberResponse>("MemberResponse")({
  user_id: Schema.UUID,
  email: Schema.String,
  name: Schema.String,
  role: ProjectRole,
  joined_at: Schema.DateTimeUtc
}) {}

const Labels = Schema.Array(text("label", 1, 50)).pipe(Schema.maxItems(20, { message: () => "at most 20 labels" }))
const UserIds = Schema.Array(Schema.UUID).pipe(Schema.maxItems(20, { message: () => "at most 20 assignees" }))
const TaskIds = Schema.Array(Schema.UUID).pipe(Schema.maxItems(50, { message: () => "at most 50 blockers" }))
const Position = Schema.Number.pipe(Schema.finite({ message: () => "position must be a finite number" }))

export const CreateTaskRequest = requestBody({
  title: text("title", 1, 300),
  description: Schema.optionalWith(longText("description", 20_000), { default: () => "" }),
  status: Schema.optionalWith(TaskStatus, { default: () => "todo" as const }),
  priority: Schema.optionalWith(TaskPriority, { default: () => "medium" as const }),
  assignee_ids: Schema.optionalWith(UserIds, { default: () => [] }),
  labels: Schema.optionalWith(Labels, { default: () => [] }),
  due_date: Schema.optional(Schema.NullOr(DueDate)),
  position: Schema.optional(Position),
  blocked_by: Schema.optionalWith(TaskIds, { default: () => [] })
})

export const UpdateTaskRequest = requestBody({
  version: Schema.Int.annotations({ description: "The version you read: a stale one is refused with 409" }),
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
  assignee_id: Schema.optional(Schema.UUID),
  priority: Schema.optional(TaskPriority),
  due_before: Schema.optional(DueDate),
  label: Schema.optional(Schema.String.pipe(Schema.maxLength(50))),
  q: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  sort: Schema.optional(Schema.Literal(...TaskSorts))
})

export class TaskResponse extends Schema.Class<TaskResponse>("TaskResponse")({
  id: Schema.UUID,
  project_id: Schema.UUID,
  title: Schema.String,
  description: Schema.String,
  status: TaskStatus,
  priority: TaskPriority,
  assignee_ids: Schema.Array(Schema.UUID),
  labels: Schema.Array(Schema.String),
  due_date: Schema.NullOr(Schema.String),
  position: Schema.Number,
  blocked_by: Schema.Array(Schema.UUID),
  completed_at: Schema.NullOr(Schema.DateTimeUtc),
  created_by: Schema.UUID,
  created_at: Schema.DateTimeUtc,
  updated_at: Schema.DateTimeUtc,
  version: Schema.Int
}) {}

export const CommentRequest = requestBody({ body: text("body", 1, 10_000) })

export class CommentResponse extends Schema.Class<CommentResponse>("CommentResponse")({
  id: Schema.UUID,
  task_id: Schema.UUID,
  author_id: Schema.UUID,
  body: Schema.String,
  created_at: Schema.DateTimeUtc,
  edited_at: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export class ActivityResponse extends Schema.Class<ActivityResponse>("ActivityResponse")({
  id: Schema.UUID,
  actor_id: Schema.UUID,
  action: Schema.String,
  target_type: Schema.String,
  target_id: Schema.String,
  changes: Schema.Record({ key: Schema.String, value: Schema.Struct({ before: Schema.optional(Schema.Unknown), after: Schema.optional(Schema.Unknown) }) }),
  created_at: Schema.DateTimeUtc
}) {}
