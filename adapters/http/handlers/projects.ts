import { HttpApiBuilder } from "effect/http-api"
import { DateTime, Effect, Option, Schema } from "effect"
import { listActivity } from "../../../application/projects/activity.js"
import { addComment, deleteComment, editComment, listComments } from "../../../application/projects/comments.js"
import { addMember, changeMemberRole, listMembers, removeMember } from "../../../application/projects/members.js"
import {
  archiveProject,
  createProject,
  deleteProject,
  getProject,
  listProjects,
  projectStats,
  restoreProject,
  transferProject,
  updateProject
} from "../../../application/projects/projects.js"
import { createTask, deleteTask, getTask, listTasks, updateTask } from "../../../application/projects/tasks.js"
import type { Actor } from "../../../domain/identity/actor.js"
import { UserId } from "../../../domain/identity/user.js"
import type { ActivityEntry } from "../../../domain/projects/activity.js"
import { type Comment, CommentId } from "../../../domain/projects/comment.js"
import { type Project, ProjectId, type ProjectRole } from "../../../domain/projects/project.js"
import { type Task, TaskId } from "../../../domain/projects/task.js"
import { BrainOpsApi } from "../api.js"
import { CurrentActor, Authentication } from "../current-actor.js"
import { httpErrors } from "../error-mapping.js"
import { expectedVersion, withETag } from "../etag.js"
import { encodedJson, PageOf, toPageRequest, toPageResponse } from "../pagination.js"
import {
  ActivityResponse,
  CommentResponse,
  MemberResponse,
  ProjectResponse,
  ProjectStatsResponse,
  TaskResponse
} from "../project-schemas.js"
import { type MemberView, ProjectRepository } from "../../../application/ports/project-repository.js"
import { capturingOnly } from "../captured-context.js"
import { Ids } from "../../../application/ports/ids.js"
import { ActivityLog } from "../../../application/ports/activity-log.js"
import { UnitOfWork } from "../../../application/ports/unit-of-work.js"
import { CommentRepository } from "../../../application/ports/comment-repository.js"
import { TaskRepository } from "../../../application/ports/task-repository.js"
import { UserRepository } from "../../../application/ports/user-repository.js"

const toProjectResponse = ({ project, role }: { readonly project: Project; readonly role: ProjectRole }) =>
  new ProjectResponse({
    id: project.id,
    name: project.name,
    description: project.description,
    status: project.status,
    role,
    created_at: project.createdAt,
    updated_at: project.updatedAt,
    archived_at: Option.getOrNull(project.archivedAt)
  })

const toMemberResponse = (m: MemberView) =>
  new MemberResponse({ user_id: m.membership.userId, email: m.email, name: m.name, role: m.membership.role, joined_at: m.membership.createdAt })

const TaskPage = PageOf(TaskResponse)

/**
 * A task as TaskResponse encodes it, built directly: a list of 50 spent about 7 µs of CPU a task in
 * the success schema's encoder, which only formats the dates and checks ids the Task's constructor
 * checked already (tests/adapters/rows.test.ts holds this equal to the encoder's output).
 */
export const encodeTaskResponse = (t: Task): typeof TaskResponse.Encoded => ({
  id: t.id,
  project_id: t.projectId,
  title: t.title,
  description: t.description,
  status: t.status,
  priority: t.priority,
  assignee_ids: t.assigneeIds,
  labels: t.labels,
  due_date: Option.getOrNull(t.dueDate),
  position: t.position,
  blocked_by: t.blockedBy,
  completed_at: Option.match(t.completedAt, { onNone: () => null, onSome: DateTime.formatIso }),
  created_by: t.createdBy,
  created_at: DateTime.formatIso(t.createdAt),
  updated_at: DateTime.formatIso(t.updatedAt),
  version: t.version
})

const decodeTaskResponse = Schema.decodeSync(TaskResponse)

/**
 * A single task's response (create, get, update; their endpoints add its ETag): the encoded form
 * above, decoded by TaskResponse, so one mapping of a task's fields serves every task endpoint.
 */
export const toTaskResponse = (t: Task): TaskResponse => decodeTaskResponse(encodeTaskResponse(t))

const toCommentResponse = (c: Comment) =>
  new CommentResponse({ id: c.id, task_id: c.taskId, author_id: c.authorId, body: c.body, created_at: c.createdAt, edited_at: Option.getOrNull(c.editedAt) })

const toActivityResponse = (e: ActivityEntry) =>
  new ActivityResponse({
    id: e.id,
    actor_id: e.actorId,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    changes: e.changes,
    created_at: e.createdAt
  })

/** Runs a use-case for the request's actor. */
const asActor = <A, E, R>(f: (actor: Actor) => Effect.Effect<A, E, R>) => Effect.flatMap(CurrentActor, f)
const pid = (params: { readonly id: string }) => ProjectId.make(params.id)
const tid = (params: { readonly task_id: string }) => TaskId.make(params.task_id)

const ProjectsGroup = HttpApiBuilder.group(BrainOpsApi, "projects", (handlers) =>
  handlers
    .handle("create", ({ payload }) => asActor((a) => createProject(a, payload)).pipe(Effect.map(toProjectResponse), httpErrors))
    .handle("list", ({ query }) =>
      asActor((a) =>
        listProjects(a, { status: Option.fromNullishOr(query.status), q: Option.fromNullishOr(query.q) }, toPageRequest(query))).pipe(
          Effect.map((page) => toPageResponse(page, toProjectResponse)),
          httpErrors
        ))
    .handle("get", ({ params }) => asActor((a) => getProject(a, pid(params))).pipe(Effect.map(toProjectResponse), httpErrors))
    .handle("update", ({ params, payload }) =>
      asActor((a) => updateProject(a, pid(params), { name: Option.fromNullishOr(payload.name), description: Option.fromNullishOr(payload.description) }))
        .pipe(Effect.map(toProjectResponse), httpErrors))
    .handle("delete", ({ params }) => asActor((a) => deleteProject(a, pid(params))).pipe(httpErrors))
    .handle("archive", ({ params }) => asActor((a) => archiveProject(a, pid(params))).pipe(Effect.map(toProjectResponse), httpErrors))
    .handle("restore", ({ params }) => asActor((a) => restoreProject(a, pid(params))).pipe(Effect.map(toProjectResponse), httpErrors))
    .handle("transfer", ({ params, payload }) => asActor((a) => transferProject(a, pid(params), UserId.make(payload.user_id))).pipe(httpErrors))
    .handle("stats", ({ params }) =>
      asActor((a) => projectStats(a, pid(params))).pipe(
        Effect.map((s) =>
          new ProjectStatsResponse({
            by_status: s.byStatus,
            total: Object.values(s.byStatus).reduce((x, y) => x + y, 0),
            overdue: s.overdue,
            per_assignee: s.perAssignee.map((p) => ({ user_id: p.userId, open: p.open, done: p.done }))
          })
        ),
        httpErrors
      ))
    .handle("activity", ({ params, query }) =>
      asActor((a) => listActivity(a, pid(params), toPageRequest(query))).pipe(
        Effect.map((page) => toPageResponse(page, toActivityResponse)),
        httpErrors
      ))
    .handle("listMembers", ({ params, query }) =>
      asActor((a) => listMembers(a, pid(params), toPageRequest(query))).pipe(
        Effect.map((page) => toPageResponse(page, toMemberResponse)),
        httpErrors
      ))
    .handle("addMember", ({ params, payload }) =>
      asActor((a) => addMember(a, pid(params), payload.email, payload.role)).pipe(Effect.map(toMemberResponse), httpErrors))
    .handle("changeMemberRole", ({ params, payload }) =>
      asActor((a) =>
        Effect.gen(function*() {
          const membership = yield* changeMemberRole(a, pid(params), UserId.make(params.user_id), payload.role)
          const page = yield* listMembers(a, pid(params), { limit: 100, cursor: Option.none() })
          const view = page.items.find((m) => m.membership.userId === membership.userId)
          return toMemberResponse(view ? { ...view, membership } : { membership, email: "", name: "" })
        })).pipe(httpErrors))
    .handle("removeMember", ({ params }) => asActor((a) => removeMember(a, pid(params), UserId.make(params.user_id))).pipe(httpErrors))
    .handle("createTask", ({ params, payload }) =>
      asActor((a) =>
        createTask(a, pid(params), {
          title: payload.title,
          description: payload.description,
          status: payload.status,
          priority: payload.priority,
          assigneeIds: payload.assignee_ids.map((id) => UserId.make(id)),
          labels: payload.labels,
          dueDate: Option.fromNullishOr(payload.due_date),
          position: Option.fromNullishOr(payload.position),
          blockedBy: payload.blocked_by.map((id) => TaskId.make(id))
        })).pipe(Effect.map((t) => withETag(toTaskResponse(t))), httpErrors))
    .handle("listTasks", ({ params, query }) =>
      asActor((a) =>
        listTasks(
          a,
          pid(params),
          {
            status: Option.fromNullishOr(query.status),
            assigneeId: Option.map(Option.fromNullishOr(query.assignee_id), (id) => UserId.make(id)),
            priority: Option.fromNullishOr(query.priority),
            dueBefore: Option.fromNullishOr(query.due_before),
            label: Option.fromNullishOr(query.label),
            q: Option.fromNullishOr(query.q)
          },
          query.sort ?? "-created_at",
          toPageRequest(query)
        )).pipe(Effect.map((page) => encodedJson(TaskPage, toPageResponse(page, encodeTaskResponse))), httpErrors))
    .handle("getTask", ({ params }) =>
      asActor((a) => getTask(a, pid(params), tid(params))).pipe(Effect.map((t) => withETag(toTaskResponse(t))), httpErrors))
    .handle("updateTask", ({ headers, params, payload }) =>
      Effect.flatMap(expectedVersion(headers["if-match"], payload.version), (version) =>
        asActor((a) =>
          updateTask(a, pid(params), tid(params), {
            ...(version !== undefined ? { version } : {}),
            ...(payload.title !== undefined ? { title: payload.title } : {}),
            ...(payload.description !== undefined ? { description: payload.description } : {}),
            ...(payload.status !== undefined ? { status: payload.status } : {}),
            ...(payload.priority !== undefined ? { priority: payload.priority } : {}),
            ...(payload.assignee_ids !== undefined ? { assigneeIds: payload.assignee_ids.map((id) => UserId.make(id)) } : {}),
            ...(payload.labels !== undefined ? { labels: payload.labels } : {}),
            ...(payload.due_date !== undefined ? { dueDate: Option.fromNullishOr(payload.due_date) } : {}),
            ...(payload.position !== undefined ? { position: Option.some(payload.position) } : {}),
            ...(payload.blocked_by !== undefined ? { blockedBy: payload.blocked_by.map((id) => TaskId.make(id)) } : {})
          })).pipe(Effect.map((t) => withETag(toTaskResponse(t))), httpErrors)))
    .handle("deleteTask", ({ params }) => asActor((a) => deleteTask(a, pid(params), tid(params))).pipe(httpErrors))
    .handle("listComments", ({ params, query }) =>
      asActor((a) => listComments(a, pid(params), tid(params), toPageRequest(query))).pipe(
        Effect.map((page) => toPageResponse(page, toCommentResponse)),
        httpErrors
      ))
    .handle("addComment", ({ params, payload }) =>
      asActor((a) => addComment(a, pid(params), tid(params), payload.body)).pipe(Effect.map(toCommentResponse), httpErrors))
    .handle("editComment", ({ params, payload }) =>
      asActor((a) => editComment(a, pid(params), tid(params), CommentId.make(params.comment_id), payload.body)).pipe(
        Effect.map(toCommentResponse),
        httpErrors
      ))
    .handle("deleteComment", ({ params }) =>
      asActor((a) => deleteComment(a, pid(params), tid(params), CommentId.make(params.comment_id))).pipe(httpErrors)))

export const ProjectsHandlers = capturingOnly(ProjectsGroup, ActivityLog, Authentication, CommentRepository, Ids, ProjectRepository, TaskRepository, UnitOfWork, UserRepository)
