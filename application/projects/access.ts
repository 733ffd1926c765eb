import { Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { ProjectArchived } from "../../domain/projects/errors.js"
import type { Membership, Project, ProjectId, ProjectRole } from "../../domain/projects/project.js"
import { Forbidden, NotFound } from "../../domain/shared/errors.js"
import { ProjectRepository } from "../ports/project-repository.js"

export interface ProjectAccess {
  readonly project: Project
  readonly membership: Membership
}

/**
 * The project as the actor may see it. Not a member: NotFound, exactly as for a project that does not
 * exist. A member whose role does not allow `what`: Forbidden, naming what was refused.
 */
export const accessProject = (
  actor: Actor,
  projectId: ProjectId,
  allowed: (role: ProjectRole) => boolean = () => true,
  what = "do this"
) =>
  Effect.gen(function*() {
    const found = yield* (yield* ProjectRepository).access(projectId, actor.userId)
    if (Option.isNone(found)) return yield* new NotFound({ resource: "Project" })
    const { membership, project } = found.value
    if (!allowed(membership.role)) {
      return yield* new Forbidden({ reason: `A ${membership.role} of this project cannot ${what}` })
    }
    return { project, membership } satisfies ProjectAccess
  })

/** As accessProject, for a change: an archived project refuses it. */
export const accessForChange = (actor: Actor, projectId: ProjectId, allowed: (role: ProjectRole) => boolean, what: string) =>
  Effect.flatMap(accessProject(actor, projectId, allowed, what), (access) =>
    access.project.status === "archived" ? Effect.fail(new ProjectArchived()) : Effect.succeed(access))
