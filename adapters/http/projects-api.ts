import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { Schema } from "effect"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { ApiErrors, BadRequest, Conflict, Forbidden, NotFound } from "./errors.js"
import { ConditionalHeaders, WithETag } from "./etag.js"
import { PageOf, PageQuery } from "./pagination.js"
import {
  ActivityResponse,
  AddMemberRequest,
  ChangeRoleRequest,
  CommentPath,
  CommentRequest,
  CommentResponse,
  CreateProjectRequest,
  CreateTaskRequest,
  MemberPath,
  MemberResponse,
  ProjectIdPath,
  ProjectListQuery,
  ProjectResponse,
  ProjectStatsResponse,
  TaskListQuery,
  TaskPath,
  TaskResponse,
  TransferRequest,
  UpdateProjectRequest,
  UpdateTaskRequest
} from "./project-schemas.js"

const read = Access.scope("projects:read")
const write = Access.scope("projects:write")
const ListQuery = <F extends Schema.Struct.Fields>(fields: Schema.Struct<F>) => Schema.Struct({ ...PageQuery.fields, ...fields.fields })
const error = [BadRequest, NotFound, Forbidden, Conflict, ...ApiErrors] as const

/** /projects: every endpoint needs a caller, and names the scope an API key must carry. */
export class ProjectsApi extends HttpApiGroup.make("projects")
  .add(HttpApiEndpoint.post("create", "/", { payload: CreateProjectRequest, success: ProjectResponse.pipe(HttpApiSchema.status(201)), error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Create a project (you become its owner)"))
  .add(HttpApiEndpoint.get("list", "/", { query: ListQuery(ProjectListQuery), success: PageOf(ProjectResponse), error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Projects you are a member of (archived ones only when asked)"))
  .add(HttpApiEndpoint.get("get", "/:id", { params: ProjectIdPath, success: ProjectResponse, error })
    .annotate(Access, read).annotate(OpenApi.Summary, "A project"))
  .add(HttpApiEndpoint.patch("update", "/:id", { params: ProjectIdPath, payload: UpdateProjectRequest, success: ProjectResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Rename or describe (admins)"))
  .add(HttpApiEndpoint.delete("delete", "/:id", { params: ProjectIdPath, success: HttpApiSchema.NoContent, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete with everything in it (owner)"))
  .add(HttpApiEndpoint.post("archive", "/:id/archive", { params: ProjectIdPath, success: ProjectResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Archive: hidden from default lists, edits refused (admins)"))
  .add(HttpApiEndpoint.post("restore", "/:id/restore", { params: ProjectIdPath, success: ProjectResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Restore an archived project (admins)"))
  .add(HttpApiEndpoint.post("transfer", "/:id/transfer", { params: ProjectIdPath, payload: TransferRequest, success: HttpApiSchema.NoContent, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Make another member the owner; you stay as admin (owner)"))
  .add(HttpApiEndpoint.get("stats", "/:id/stats", { params: ProjectIdPath, success: ProjectStatsResponse, error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Tasks by status, overdue, per assignee"))
  .add(HttpApiEndpoint.get("activity", "/:id/activity", { params: ProjectIdPath, query: PageQuery, success: PageOf(ActivityResponse), error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Who did what, newest first"))
  .add(HttpApiEndpoint.get("listMembers", "/:id/members", { params: ProjectIdPath, query: PageQuery, success: PageOf(MemberResponse), error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Members and their roles"))
  .add(HttpApiEndpoint.post("addMember", "/:id/members", { params: ProjectIdPath, payload: AddMemberRequest, success: MemberResponse.pipe(HttpApiSchema.status(201)), error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Add a user by email, with a role no higher than yours (admins)"))
  .add(HttpApiEndpoint.patch("changeMemberRole", "/:id/members/:user_id", { params: MemberPath, payload: ChangeRoleRequest, success: MemberResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Change a member's role (admins; the last owner stays owner)"))
  .add(HttpApiEndpoint.delete("removeMember", "/:id/members/:user_id", { params: MemberPath, success: HttpApiSchema.NoContent, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Remove a member (admins), or leave (yourself)"))
  .add(HttpApiEndpoint.post("createTask", "/:id/tasks", { params: ProjectIdPath, payload: CreateTaskRequest, success: WithETag(TaskResponse.pipe(HttpApiSchema.status(201))), error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Create a task (members)"))
  .add(HttpApiEndpoint.get("listTasks", "/:id/tasks", { params: ProjectIdPath, query: ListQuery(TaskListQuery), success: PageOf(TaskResponse), error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Tasks, filtered and sorted"))
  .add(HttpApiEndpoint.get("getTask", "/:id/tasks/:task_id", { params: TaskPath, success: WithETag(TaskResponse), error })
    .annotate(Access, read).annotate(OpenApi.Summary, "A task, with its version as ETag"))
  .add(HttpApiEndpoint.patch("updateTask", "/:id/tasks/:task_id", { params: TaskPath, headers: ConditionalHeaders, payload: UpdateTaskRequest, success: WithETag(TaskResponse), error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Change a task; send the version or If-Match you read to get 409 if it changed since"))
  .add(HttpApiEndpoint.delete("deleteTask", "/:id/tasks/:task_id", { params: TaskPath, success: HttpApiSchema.NoContent, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete a task (members)"))
  .add(HttpApiEndpoint.get("listComments", "/:id/tasks/:task_id/comments", { params: TaskPath, query: PageQuery, success: PageOf(CommentResponse), error })
    .annotate(Access, read).annotate(OpenApi.Summary, "A task's comments, oldest first"))
  .add(HttpApiEndpoint.post("addComment", "/:id/tasks/:task_id/comments", { params: TaskPath, payload: CommentRequest, success: CommentResponse.pipe(HttpApiSchema.status(201)), error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Comment on a task (members)"))
  .add(HttpApiEndpoint.patch("editComment", "/:id/tasks/:task_id/comments/:comment_id", { params: CommentPath, payload: CommentRequest, success: CommentResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Edit your comment"))
  .add(HttpApiEndpoint.delete("deleteComment", "/:id/tasks/:task_id/comments/:comment_id", { params: CommentPath, success: HttpApiSchema.NoContent, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete your comment (admins: any)"))
  .middleware(Authentication)
  .prefix("/api/v1/projects")
{}
