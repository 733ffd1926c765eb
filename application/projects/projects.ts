import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { UserId } from "../../domain/identity/user.js"
import { diff } from "../../domain/projects/activity.js"
import { InvalidProjectChange } from "../../domain/projects/errors.js"
import { can } from "../../domain/projects/permissions.js"
import { Membership, Project, ProjectId, type ProjectStatus } from "../../domain/projects/project.js"
import { DueDate } from "../../domain/projects/task.js"
import { NotFound } from "../../domain/shared/errors.js"
import { Ids } from "../ports/ids.js"
import { ProjectRepository } from "../ports/project-repository.js"
import { TaskRepository } from "../ports/task-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { accessForChange, accessProject } from "./access.js"
import { recordActivity } from "./activity.js"

const projectFields = (p: Project) => ({ name: p.name, description: p.description, status: p.status })

/** A new project; the creator is its owner. */
export const createProject = Effect.fn("Projects.create")(function*(actor: Actor, input: { readonly name: string; readonly description: string }) {
  const now = yield* DateTime.now
  const project = new Project({
    id: ProjectId.make(yield* (yield* Ids).next),
    name: input.name,
    description: input.description,
    status: "active",
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
    archivedAt: Option.none()
  })
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      yield* (yield* ProjectRepository).insert(project, new Membership({ projectId: project.id, userId: actor.userId, role: "owner", createdAt: now }))
      yield* recordActivity(actor, project.id, "project.created", "project", project.id, diff({}, projectFields(project)))
    })
  )
  return { project, role: "owner" as const }
})

export const listProjects = Effect.fn("Projects.list")(function*(
  actor: Actor,
  filter: { readonly status: Option.Option<ProjectStatus | "all">; readonly q: Option.Option<string> },
  page: PageRequest
) {
  const after = yield* decodeCursor(page.cursor)
  const status = Option.getOrElse(filter.status, () => "active" as const)
  const statuses: ReadonlyArray<ProjectStatus> = status === "all" ? ["active", "archived"] : [status]
  const rows = yield* (yield* ProjectRepository).listForUser(actor.userId, { statuses, q: filter.q }, after, page.limit)
  return toPage(rows, page.limit, (r) => ({ at: DateTime.toEpochMillis(r.project.createdAt), id: r.project.id }))
})

export const getProject = Effect.fn("Projects.get")(function*(actor: Actor, projectId: ProjectId) {
  const { membership, project } = yield* accessProject(actor, projectId)
  return { project, role: membership.role }
})

export const updateProject = Effect.fn("Projects.update")(function*(
  actor: Actor,
  projectId: ProjectId,
  patch: { readonly name: Option.Option<string>; readonly description: Option.Option<string> }
) {
  const { membership, project } = yield* accessForChange(actor, projectId, can.editProject, "edit the project")
  const updated = new Project({
    ...project,
    name: Option.getOrElse(patch.name, () => project.name),
    description: Option.getOrElse(patch.description, () => project.description),
    updatedAt: yield* DateTime.now
  })
  const changes = diff(projectFields(project), projectFields(updated))
  if (Object.keys(changes).length > 0) {
    yield* (yield* UnitOfWork).transaction(
      Effect.andThen((yield* ProjectRepository).update(updated), recordActivity(actor, projectId, "project.updated", "project", projectId, changes))
    )
  }
  return { project: updated, role: membership.role }
})

const setStatus = (actor: Actor, projectId: ProjectId, status: ProjectStatus) =>
  Effect.gen(function*() {
    const { membership, project } = yield* accessProject(actor, projectId, can.editProject, status === "archived" ? "archive the project" : "restore the project")
    if (project.status === status) return { project, role: membership.role }
    const now = yield* DateTime.now
    const updated = new Project({ ...project, status, updatedAt: now, archivedAt: status === "archived" ? Option.some(now) : Option.none() })
    yield* (yield* UnitOfWork).transaction(
      Effect.andThen(
        (yield* ProjectRepository).update(updated),
        recordActivity(actor, projectId, status === "archived" ? "project.archived" : "project.restored", "project", projectId, {
          status: { before: project.status, after: status }
        })
      )
    )
    return { project: updated, role: membership.role }
  })

/** Archived projects are hidden from default lists and refuse edits until restored. */
export const archiveProject = Effect.fn("Projects.archive")((actor: Actor, projectId: ProjectId) => setStatus(actor, projectId, "archived"))
export const restoreProject = Effect.fn("Projects.restore")((actor: Actor, projectId: ProjectId) => setStatus(actor, projectId, "active"))

/** Owner only: the project and everything in it go, by the database's cascades. */
export const deleteProject = Effect.fn("Projects.delete")(function*(actor: Actor, projectId: ProjectId) {
  yield* accessProject(actor, projectId, can.deleteProject, "delete the project")
  yield* (yield* ProjectRepository).delete(projectId)
  yield* Effect.logInfo("project deleted").pipe(Effect.annotateLogs({ project_id: projectId, by: actor.userId }))
})

/** Owner only: another member becomes owner; the previous owner stays on as admin. */
export const transferProject = Effect.fn("Projects.transfer")(function*(actor: Actor, projectId: ProjectId, to: UserId) {
  yield* accessForChange(actor, projectId, can.transferProject, "transfer the project")
  const projects = yield* ProjectRepository
  const target = yield* projects.membership(projectId, to)
  if (Option.isNone(target)) return yield* new NotFound({ resource: "Member" })
  if (to === actor.userId) return yield* new InvalidProjectChange({ field: "user_id", reason: "the project is already yours" })
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      yield* projects.setRole(projectId, to, "owner")
      yield* projects.setRole(projectId, actor.userId, "admin")
      yield* recordActivity(actor, projectId, "project.transferred", "member", to, {
        role: { before: target.value.role, after: "owner" },
        owner: { before: actor.userId, after: to }
      })
    })
  )
})

const todayOf = (now: DateTime.Utc) => DueDate.make(DateTime.formatIso(now).slice(0, 10))

export const projectStats = Effect.fn("Projects.stats")(function*(actor: Actor, projectId: ProjectId) {
  yield* accessProject(actor, projectId)
  return yield* (yield* TaskRepository).stats(projectId, todayOf(yield* DateTime.now))
})

export { todayOf }
