import { Schema } from "effect"
import { UserId } from "../identity/user.js"
import { ProjectId } from "./project.js"
import { TaskId } from "./task.js"

export const CommentId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("CommentId"))
export type CommentId = typeof CommentId.Type

export class Comment extends Schema.Class<Comment>("Comment")({
  id: CommentId,
  projectId: ProjectId,
  taskId: TaskId,
  authorId: UserId,
  body: Schema.String,
  createdAt: Schema.DateTimeUtc,
  editedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc)
}) {}
