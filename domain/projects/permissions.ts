import type { ProjectRole } from "./project.js"

const RANK: Record<ProjectRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 }

export const rank = (role: ProjectRole): number => RANK[role]
export const atLeast = (role: ProjectRole, needed: ProjectRole): boolean => RANK[role] >= RANK[needed]

/** What each role may do (API.md): viewers read; members write tasks and comments; admins manage members; owners delete and transfer. */
export const can = {
  read: (role: ProjectRole) => atLeast(role, "viewer"),
  writeTasks: (role: ProjectRole) => atLeast(role, "member"),
  editProject: (role: ProjectRole) => atLeast(role, "admin"),
  manageMembers: (role: ProjectRole) => atLeast(role, "admin"),
  deleteAnyComment: (role: ProjectRole) => atLeast(role, "admin"),
  deleteProject: (role: ProjectRole) => role === "owner",
  transferProject: (role: ProjectRole) => role === "owner"
}

/**
 * Whether `actor` may give `target` the role `to`: nobody grants a role above their own, nor changes
 * someone who ranks above them.
 */
export const mayAssignRole = (actor: ProjectRole, to: ProjectRole, currentOfTarget?: ProjectRole): boolean =>
  can.manageMembers(actor) && RANK[to] <= RANK[actor] && (currentOfTarget === undefined || RANK[currentOfTarget] <= RANK[actor])
