import { Schema } from "effect"
import { UserId } from "../identity/user.js"
import { ProjectId } from "./project.js"

export const ActivityTarget = Schema.Literals(["project", "member", "task", "comment"])

/** One field's value before and after a change (JSON values; absent on create or delete). */
export const FieldChange = Schema.Struct({ before: Schema.optional(Schema.Unknown), after: Schema.optional(Schema.Unknown) })

export class ActivityEntry extends Schema.Class<ActivityEntry>("ActivityEntry")({
  id: Schema.String.check(Schema.isUUID()),
  projectId: ProjectId,
  actorId: UserId,
  /** e.g. task.created, task.updated, member.added, comment.deleted */
  action: Schema.String,
  targetType: ActivityTarget,
  targetId: Schema.String,
  changes: Schema.Record(Schema.String, FieldChange),
  createdAt: Schema.DateTimeUtc
}) {}

/** The fields whose values differ between two records, as before/after pairs (compared as JSON). */
export const diff = (before: Record<string, unknown>, after: Record<string, unknown>) => {
  const changes: Record<string, { before?: unknown; after?: unknown }> = {}
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { before: before[key], after: after[key] }
  }
  return changes
}
