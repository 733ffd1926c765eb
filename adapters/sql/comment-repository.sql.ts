import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { CommentRepository } from "../../application/ports/comment-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { Comment, CommentId } from "../../domain/projects/comment.js"
import { ProjectId } from "../../domain/projects/project.js"
import { TaskId } from "../../domain/projects/task.js"
import { orStorageFailure } from "./storage-errors.js"

const CommentRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.String,
  task_id: Schema.String,
  author_id: Schema.String,
  body: Schema.String,
  created_at: Schema.DateFromSelf,
  edited_at: Schema.NullOr(Schema.DateFromSelf)
})
const decodeRows = Schema.decodeUnknown(Schema.Array(CommentRow))
const toComment = (row: typeof CommentRow.Type) =>
  new Comment({
    id: CommentId.make(row.id),
    projectId: ProjectId.make(row.project_id),
    taskId: TaskId.make(row.task_id),
    authorId: UserId.make(row.author_id),
    body: row.body,
    createdAt: DateTime.unsafeFromDate(row.created_at),
    editedAt: Option.map(Option.fromNullable(row.edited_at), DateTime.unsafeFromDate)
  })

export const CommentRepositorySql = Layer.effect(
  CommentRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      insert: (c) =>
        sql`INSERT INTO task_comments ${
          sql.insert({
            id: c.id,
            project_id: c.projectId,
            task_id: c.taskId,
            author_id: c.authorId,
            body: c.body,
            created_at: DateTime.toDateUtc(c.createdAt),
            edited_at: Option.getOrNull(Option.map(c.editedAt, DateTime.toDateUtc))
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      findById: (projectId, taskId, id) =>
        sql`SELECT * FROM task_comments WHERE id = ${id} AND task_id = ${taskId} AND project_id = ${projectId}`.pipe(
          Effect.flatMap(decodeRows),
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toComment)),
          orStorageFailure
        ),
      update: (c) =>
        sql`UPDATE task_comments SET body = ${c.body}, edited_at = ${Option.getOrNull(Option.map(c.editedAt, DateTime.toDateUtc))}
            WHERE id = ${c.id}`.pipe(Effect.asVoid, orStorageFailure),
      delete: (id) => sql`DELETE FROM task_comments WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      list: (taskId, after, limit) =>
        Option.match(after, {
          onNone: () => sql`SELECT * FROM task_comments WHERE task_id = ${taskId} ORDER BY created_at, id LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM task_comments WHERE task_id = ${taskId} AND (created_at, id) > (${new Date(p.at)}, ${p.id})
                ORDER BY created_at, id LIMIT ${limit + 1}`
        }).pipe(Effect.flatMap(decodeRows), Effect.map((rows) => rows.map(toComment)), orStorageFailure)
    }
  })
)
