import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { CommentRepository } from "../../application/ports/comment-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { Comment, CommentId } from "../../domain/projects/comment.js"
import { ProjectId } from "../../domain/projects/project.js"
import { TaskId } from "../../domain/projects/task.js"
import { allRows, firstRow, intoClass, OptionalTimestamp, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const CommentRow = Row({
  id: CommentId,
  projectId: ProjectId,
  taskId: TaskId,
  authorId: UserId,
  body: Schema.String,
  createdAt: Timestamp,
  editedAt: OptionalTimestamp
}).pipe(intoClass(Comment))
const comment = firstRow(CommentRow)
const comments = allRows(CommentRow)

export const CommentRepositorySql = Layer.effect(
  CommentRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insert = SqlSchema.void({ Request: CommentRow, execute: (row) => sql`INSERT INTO task_comments ${sql.insert(row)}` })
    return CommentRepository.of({
      insert: (c) => insert(c).pipe(orStorageFailure),
      findById: (projectId, taskId, id) =>
        comment(sql`SELECT * FROM task_comments WHERE id = ${id} AND task_id = ${taskId} AND project_id = ${projectId}`).pipe(
          orStorageFailure
        ),
      update: (c) =>
        sql`UPDATE task_comments SET body = ${c.body}, edited_at = ${Option.getOrNull(Option.map(c.editedAt, DateTime.toDateUtc))}
            WHERE id = ${c.id}`.pipe(Effect.asVoid, orStorageFailure),
      delete: (id) => sql`DELETE FROM task_comments WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      list: (taskId, after, limit) =>
        comments(Option.match(after, {
          onNone: () => sql`SELECT * FROM task_comments WHERE task_id = ${taskId} ORDER BY created_at, id LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM task_comments WHERE task_id = ${taskId} AND (created_at, id) > (${new Date(p.at)}, ${p.id})
                ORDER BY created_at, id LIMIT ${limit + 1}`
        })).pipe(orStorageFailure)
    })
  })
)
