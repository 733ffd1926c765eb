import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { BadRequest, Conflict, Forbidden, NotFound } from "./errors.js"
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
import { Schema } from "effect"

const read = Access.scope("projects:read")
const write = Access.scope("projects:write")
const ListQuery = <F extends Schema.Struct.Fields>(fields: Schema.Struct<F>) =>
  Schema.Struct({ ...PageQuery.fields, ...fields.fields }).annotations({ parseOptions: { errors: "all" } })

/** /projects: every endpoint needs a caller, and names the scope an API key must carry. */
export class ProjectsApi extends HttpApiGroup.make("projects")
  .add(HttpApiEndpoint.post("create", "/").setPayload(CreateProjectRequest).addSuccess(ProjectResponse, { status: 201 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Create a project (you become its owner)"))
  .add(HttpApiEndpoint.get("list", "/").setUrlParams(ListQuery(ProjectListQuery)).addSuccess(PageOf(ProjectResponse))
    .annotate(Access, read).annotate(OpenApi.Summary, "Projects you are a member of (archived ones only when asked)"))
  .add(HttpApiEndpoint.get("get", "/:id").setPath(ProjectIdPath).addSuccess(ProjectResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "A project"))
  .add(HttpApiEndpoint.patch("update", "/:id").setPath(ProjectIdPath).setPayload(UpdateProjectRequest).addSuccess(ProjectResponse)
    .annotate(Access, write).annotate(OpenApi.Summary, "Rename or describe (admins)"))
  .add(HttpApiEndpoint.del("delete", "/:id").setPath(ProjectIdPath).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete with everything in it (owner)"))
  .add(HttpApiEndpoint.post("archive", "/:id/archive").setPath(ProjectIdPath).addSuccess(ProjectResponse)
    .annotate(Access, write).annotate(OpenApi.Summary, "Archive: hidden from default lists, edits refused (admins)"))
  .add(HttpApiEndpoint.post("restore", "/:id/restore").setPath(ProjectIdPath).addSuccess(ProjectResponse)
    .annotate(Access, write).annotate(OpenApi.Summary, "Restore an archived project (admins)"))
  .add(HttpApiEndpoint.post("transfer", "/:id/transfer").setPath(ProjectIdPath).setPayload(TransferRequest).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Make another member the owner; you stay as admin (owner)"))
  .add(HttpApiEndpoint.get("stats", "/:id/stats").setPath(ProjectIdPath).addSuccess(ProjectStatsResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "Tasks by status, overdue, per assignee"))
  .add(HttpApiEndpoint.get("activity", "/:id/activity").setPath(ProjectIdPath).setUrlParams(PageQuery).addSuccess(PageOf(ActivityResponse))
    .annotate(Access, read).annotate(OpenApi.Summary, "Who did what, newest first"))
  .add(HttpApiEndpoint.get("listMembers", "/:id/members").setPath(ProjectIdPath).setUrlParams(PageQuery).addSuccess(PageOf(MemberResponse))
    .annotate(Access, read).annotate(OpenApi.Summary, "Members and their roles"))
  .add(HttpApiEndpoint.post("addMember", "/:id/members").setPath(ProjectIdPath).setPayload(AddMemberRequest).addSuccess(MemberResponse, { status: 201 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Add a user by email, with a role no higher than yours (admins)"))
  .add(HttpApiEndpoint.patch("changeMemberRole", "/:id/members/:user_id").setPath(MemberPath).setPayload(ChangeRoleRequest).addSuccess(MemberResponse)
    .annotate(Access, write).annotate(OpenApi.Summary, "Change a member's role (admins; the last owner stays owner)"))
  .add(HttpApiEndpoint.del("removeMember", "/:id/members/:user_id").setPath(MemberPath).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Remove a member (admins), or leave (yourself)"))
  .add(HttpApiEndpoint.post("createTask", "/:id/tasks").setPath(ProjectIdPath).setPayload(CreateTaskRequest).addSuccess(TaskResponse, { status: 201 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Create a task (members)"))
  .add(HttpApiEndpoint.get("listTasks", "/:id/tasks").setPath(ProjectIdPath).setUrlParams(ListQuery(TaskListQuery)).addSuccess(PageOf(TaskResponse))
    .annotate(Access, read).annotate(OpenApi.Summary, "Tasks, filtered and sorted"))
  .add(HttpApiEndpoint.get("getTask", "/:id/tasks/:task_id").setPath(TaskPath).addSuccess(TaskResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "A task"))
  .add(HttpApiEndpoint.patch("updateTask", "/:id/tasks/:task_id").setPath(TaskPath).setPayload(UpdateTaskRequest).addSuccess(TaskResponse)
    .annotate(Access, write).annotate(OpenApi.Summary, "Change a task; send the version you read (409 if stale)"))
  .add(HttpApiEndpoint.del("deleteTask", "/:id/tasks/:task_id").setPath(TaskPath).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete a task (members)"))
  .add(HttpApiEndpoint.get("listComments", "/:id/tasks/:task_id/comments").setPath(TaskPath).setUrlParams(PageQuery).addSuccess(PageOf(CommentResponse))
    .annotate(Access, read).annotate(OpenApi.Summary, "A task's comments, oldest first"))
  .add(HttpApiEndpoint.post("addComment", "/:id/tasks/:task_id/comments").setPath(TaskPath).setPayload(CommentRequest).addSuccess(CommentResponse, { status: 201 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Comment on a task (members)"))
  .add(HttpApiEndpoint.patch("editComment", "/:id/tasks/:task_id/comments/:comment_id").setPath(CommentPath).setPayload(CommentRequest).addSuccess(CommentResponse)
    .annotate(Access, write).annotate(OpenApi.Summary, "Edit your comment"))
  .add(HttpApiEndpoint.del("deleteComment", "/:id/tasks/:task_id/comments/:comment_id").setPath(CommentPath).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete your comment (admins: any)"))
  .addError(BadRequest)
  .addError(NotFound)
  .addError(Forbidden)
  .addError(Conflict)
  .middleware(Authentication)
  .prefix("/api/v1/projects")
{}
