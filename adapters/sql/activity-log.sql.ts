import { SqlClient, SqlSchema } from "effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { ActivityLog } from "../../application/ports/activity-log.js"
import { UserId } from "../../domain/identity/user.js"
import { ActivityEntry, ActivityTarget, FieldChange } from "../../domain/projects/activity.js"
import { ProjectId } from "../../domain/projects/project.js"
import { allRows, intoClass, Jsonb, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const ActivityRow = Row({
  id: Schema.String,
  projectId: ProjectId,
  actorId: UserId,
  action: Schema.String,
  targetType: ActivityTarget,
  targetId: Schema.String,
  changes: Jsonb(Schema.Record(Schema.String, FieldChange)),
  createdAt: Timestamp
}).pipe(intoClass(ActivityEntry))
const entries = allRows(ActivityRow)

export const ActivityLogSql = Layer.effect(
  ActivityLog,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const record = SqlSchema.void({ Request: ActivityRow, execute: (row) => sql`INSERT INTO project_activity ${sql.insert(row)}` })
    return ActivityLog.of({
      record: (entry) => record(entry).pipe(orStorageFailure),
      list: (projectId, after, limit) =>
        entries(Option.match(after, {
          onNone: () =>
            sql`SELECT * FROM project_activity WHERE project_id = ${projectId} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM project_activity WHERE project_id = ${projectId} AND (created_at, id) < (${new Date(p.at)}, ${p.id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        })).pipe(orStorageFailure)
    })
  })
)
