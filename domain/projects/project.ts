import { Schema } from "effect"
import { UserId } from "../identity/user.js"

export const ProjectId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("ProjectId"))
export type ProjectId = typeof ProjectId.Type

export const ProjectStatus = Schema.Literals(["active", "archived"])
export type ProjectStatus = typeof ProjectStatus.Type

export const ProjectRole = Schema.Literals(["owner", "admin", "member", "viewer"])
export type ProjectRole = typeof ProjectRole.Type

export class Project extends Schema.Class<Project>("Project")({
  id: ProjectId,
  name: Schema.String,
  description: Schema.String,
  status: ProjectStatus,
  createdBy: UserId,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  archivedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc)
}) {}

export class Membership extends Schema.Class<Membership>("Membership")({
  projectId: ProjectId,
  userId: UserId,
  role: ProjectRole,
  createdAt: Schema.DateTimeUtc
}) {}
