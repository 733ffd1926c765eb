import { Context, type Effect, type Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { AlreadyMember } from "../../domain/projects/errors.js"
import type { Membership, Project, ProjectId, ProjectRole, ProjectStatus } from "../../domain/projects/project.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

export interface ProjectFilter {
  /** Which statuses to list: archived projects are hidden unless asked for. */
  readonly statuses: ReadonlyArray<ProjectStatus>
  /** Case-insensitive substring of the name or description. */
  readonly q: Option.Option<string>
}

export interface MemberView {
  readonly membership: Membership
  readonly email: string
  readonly name: string
}

export class ProjectRepository extends Context.Service<ProjectRepository, {
  /** The project and its first owner, together. */
  readonly insert: (project: Project, owner: Membership) => Effect.Effect<void, StorageUnavailable>
  readonly findById: (id: ProjectId) => Effect.Effect<Option.Option<Project>, StorageUnavailable>
  readonly update: (project: Project) => Effect.Effect<void, StorageUnavailable>
  /** Deletes the project; its members, tasks, comments, assignments, dependencies and activity go with it. */
  readonly delete: (id: ProjectId) => Effect.Effect<void, StorageUnavailable>
  /** Projects the user is a member of, newest first (keyset on created_at, id), with the user's role; limit + 1 rows. */
  readonly listForUser: (
    userId: UserId,
    filter: ProjectFilter,
    after: Option.Option<Position>,
    limit: number
  ) => Effect.Effect<ReadonlyArray<{ readonly project: Project; readonly role: ProjectRole }>, StorageUnavailable>
  readonly membership: (projectId: ProjectId, userId: UserId) => Effect.Effect<Option.Option<Membership>, StorageUnavailable>
  /**
   * The project and the user's membership of it, in one read (none unless both exist): the check
   * every request on a project starts with.
   */
  readonly access: (
    projectId: ProjectId,
    userId: UserId
  ) => Effect.Effect<Option.Option<{ readonly project: Project; readonly membership: Membership }>, StorageUnavailable>
  /** Members oldest first (keyset on created_at, user id); limit + 1 rows. */
  readonly members: (
    projectId: ProjectId,
    after: Option.Option<Position>,
    limit: number
  ) => Effect.Effect<ReadonlyArray<MemberView>, StorageUnavailable>
  readonly addMember: (membership: Membership) => Effect.Effect<void, AlreadyMember | StorageUnavailable>
  readonly setRole: (projectId: ProjectId, userId: UserId, role: ProjectRole) => Effect.Effect<void, StorageUnavailable>
  readonly removeMember: (projectId: ProjectId, userId: UserId) => Effect.Effect<void, StorageUnavailable>
  readonly countOwners: (projectId: ProjectId) => Effect.Effect<number, StorageUnavailable>
}>()("ProjectRepository") {}
