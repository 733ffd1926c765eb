import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { ActivityLog } from "../../application/ports/activity-log.js"
import { UserId } from "../../domain/identity/user.js"
import { ActivityEntry, ActivityTarget, FieldChange } from "../../domain/projects/activity.js"
import { ProjectId } from "../../domain/projects/project.js"
import { orStorageFailure } from "./storage-errors.js"

const ActivityRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.String,
  actor_id: Schema.String,
  action: Schema.String,
  target_type: ActivityTarget,
  target_id: Schema.String,
  changes: Schema.Record({ key: Schema.String, value: FieldChange }),
  created_at: Schema.DateFromSelf
})
const decodeRows = Schema.decodeUnknown(Schema.Array(ActivityRow))

export const ActivityLogSql = Layer.effect(
  ActivityLog,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      record: (e) =>
        sql`INSERT INTO project_activity ${
          sql.insert({
            id: e.id,
            project_id: e.projectId,
            actor_id: e.actorId,
            action: e.action,
            target_type: e.targetType,
            target_id: e.targetId,
            changes: JSON.stringify(e.changes),
            created_at: DateTime.toDateUtc(e.createdAt)
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      list: (projectId, after, limit) =>
        Option.match(after, {
          onNone: () =>
            sql`SELECT * FROM project_activity WHERE project_id = ${projectId} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM project_activity WHERE project_id = ${projectId} AND (created_at, id) < (${new Date(p.at)}, ${p.id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        }).pipe(
          Effect.flatMap(decodeRows),
          Effect.map((rows) =>
            rows.map((row) =>
              new ActivityEntry({
                id: row.id,
                projectId: ProjectId.make(row.project_id),
                actorId: UserId.make(row.actor_id),
                action: row.action,
                targetType: row.target_type,
                targetId: row.target_id,
                changes: row.changes,
                createdAt: DateTime.unsafeFromDate(row.created_at)
              })
            )
          ),
          orStorageFailure
        )
    }
  })
)
