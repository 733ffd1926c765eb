import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { Email, UserId } from "../../domain/identity/user.js"
import { InvalidProjectChange } from "../../domain/projects/errors.js"
import { can, mayAssignRole } from "../../domain/projects/permissions.js"
import { Membership, type ProjectId, type ProjectRole } from "../../domain/projects/project.js"
import { Forbidden, NotFound } from "../../domain/shared/errors.js"
import { ProjectRepository } from "../ports/project-repository.js"
import { TaskRepository } from "../ports/task-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { UserRepository } from "../ports/user-repository.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { accessForChange, accessProject } from "./access.js"
import { recordActivity } from "./activity.js"

export const listMembers = Effect.fn("Projects.listMembers")(function*(actor: Actor, projectId: ProjectId, page: PageRequest) {
  yield* accessProject(actor, projectId)
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* ProjectRepository).members(projectId, after, page.limit)
  return toPage(rows, page.limit, (m) => ({ at: DateTime.toEpochMillis(m.membership.createdAt), id: m.membership.userId }))
})

const refuseRole = (role: ProjectRole, to: ProjectRole) =>
  new Forbidden({ reason: `A ${role} cannot give the role ${to} (nobody grants a role above their own)` })

export const addMember = Effect.fn("Projects.addMember")(function*(actor: Actor, projectId: ProjectId, email: Email, role: ProjectRole) {
  const { membership } = yield* accessForChange(actor, projectId, can.manageMembers, "manage members")
  if (!mayAssignRole(membership.role, role)) return yield* refuseRole(membership.role, role)
  const user = yield* (yield* UserRepository).findByEmail(email)
  if (Option.isNone(user)) return yield* new NotFound({ resource: "User" })
  const added = new Membership({ projectId, userId: user.value.id, role, createdAt: yield* DateTime.now })
  yield* (yield* UnitOfWork).transaction(
    Effect.andThen(
      (yield* ProjectRepository).addMember(added),
      recordActivity(actor, projectId, "member.added", "member", user.value.id, { role: { after: role } })
    )
  )
  return { membership: added, email: user.value.email, name: user.value.name }
})

/** The last owner can be neither demoted nor removed: a project always has someone who can delete it. */
const keepsAnOwner = (projectId: ProjectId, target: Membership, newRole: Option.Option<ProjectRole>) =>
  Effect.gen(function*() {
    if (target.role !== "owner" || Option.getOrUndefined(newRole) === "owner") return
    if ((yield* (yield* ProjectRepository).countOwners(projectId)) <= 1) {
      return yield* new InvalidProjectChange({ field: "role", reason: "the last owner cannot leave or be demoted; transfer the project first" })
    }
  })

export const changeMemberRole = Effect.fn("Projects.changeMemberRole")(function*(
  actor: Actor,
  projectId: ProjectId,
  userId: UserId,
  role: ProjectRole
) {
  const { membership } = yield* accessForChange(actor, projectId, can.manageMembers, "manage members")
  const projects = yield* ProjectRepository
  const target = yield* projects.membership(projectId, userId)
  if (Option.isNone(target)) return yield* new NotFound({ resource: "Member" })
  if (!mayAssignRole(membership.role, role, target.value.role)) return yield* refuseRole(membership.role, role)
  yield* keepsAnOwner(projectId, target.value, Option.some(role))
  if (target.value.role !== role) {
    yield* (yield* UnitOfWork).transaction(
      Effect.andThen(
        projects.setRole(projectId, userId, role),
        recordActivity(actor, projectId, "member.role_changed", "member", userId, { role: { before: target.value.role, after: role } })
      )
    )
  }
  return new Membership({ ...target.value, role })
})

/** Admins remove members (not above their own rank); anyone may leave. Their task assignments go with them. */
export const removeMember = Effect.fn("Projects.removeMember")(function*(actor: Actor, projectId: ProjectId, userId: UserId) {
  const leaving = userId === actor.userId
  const { membership } = yield* accessForChange(actor, projectId, leaving ? () => true : can.manageMembers, "manage members")
  const projects = yield* ProjectRepository
  const target = yield* projects.membership(projectId, userId)
  if (Option.isNone(target)) return yield* new NotFound({ resource: "Member" })
  if (!leaving && !mayAssignRole(membership.role, target.value.role, target.value.role)) {
    return yield* new Forbidden({ reason: `A ${membership.role} cannot remove a ${target.value.role}` })
  }
  yield* keepsAnOwner(projectId, target.value, Option.none())
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      yield* (yield* TaskRepository).unassign(projectId, userId)
      yield* projects.removeMember(projectId, userId)
      yield* recordActivity(actor, projectId, leaving ? "member.left" : "member.removed", "member", userId, { role: { before: target.value.role } })
    })
  )
})
