import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { Comment, CommentId } from "../../domain/projects/comment.js"
import { can } from "../../domain/projects/permissions.js"
import type { ProjectId } from "../../domain/projects/project.js"
import type { TaskId } from "../../domain/projects/task.js"
import { Forbidden, NotFound } from "../../domain/shared/errors.js"
import { CommentRepository } from "../ports/comment-repository.js"
import { Ids } from "../ports/ids.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { accessForChange, accessProject } from "./access.js"
import { recordActivity } from "./activity.js"
import { findTask } from "./tasks.js"

const requireComment = (projectId: ProjectId, taskId: TaskId, commentId: CommentId) =>
  Effect.flatMap(CommentRepository, (comments) => comments.findById(projectId, taskId, commentId)).pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.fail(new NotFound({ resource: "Comment" })), onSome: Effect.succeed }))
  )

export const listComments = Effect.fn("Projects.listComments")(function*(actor: Actor, projectId: ProjectId, taskId: TaskId, page: PageRequest) {
  yield* accessProject(actor, projectId)
  yield* findTask(projectId, taskId)
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* CommentRepository).list(taskId, after, page.limit)
  return toPage(rows, page.limit, (c) => ({ at: DateTime.toEpochMillis(c.createdAt), id: c.id }))
})

export const addComment = Effect.fn("Projects.addComment")(function*(actor: Actor, projectId: ProjectId, taskId: TaskId, body: string) {
  yield* accessForChange(actor, projectId, can.writeTasks, "comment")
  yield* findTask(projectId, taskId)
  const comment = new Comment({
    id: CommentId.make(yield* (yield* Ids).next),
    projectId,
    taskId,
    authorId: actor.userId,
    body,
    createdAt: yield* DateTime.now,
    editedAt: Option.none()
  })
  yield* (yield* UnitOfWork).transaction(
    Effect.andThen(
      (yield* CommentRepository).insert(comment),
      recordActivity(actor, projectId, "comment.created", "comment", comment.id, { body: { after: body }, task_id: { after: taskId } })
    )
  )
  return comment
})

/** Authors edit their own comments only. */
export const editComment = Effect.fn("Projects.editComment")(function*(
  actor: Actor,
  projectId: ProjectId,
  taskId: TaskId,
  commentId: CommentId,
  body: string
) {
  yield* accessForChange(actor, projectId, can.writeTasks, "edit comments")
  const comment = yield* requireComment(projectId, taskId, commentId)
  if (comment.authorId !== actor.userId) return yield* new Forbidden({ reason: "Only its author can edit a comment" })
  const edited = new Comment({ ...comment, body, editedAt: Option.some(yield* DateTime.now) })
  yield* (yield* UnitOfWork).transaction(
    Effect.andThen(
      (yield* CommentRepository).update(edited),
      recordActivity(actor, projectId, "comment.edited", "comment", commentId, { body: { before: comment.body, after: body } })
    )
  )
  return edited
})

/** Authors delete their own comments; admins and owners delete any. */
export const deleteComment = Effect.fn("Projects.deleteComment")(function*(actor: Actor, projectId: ProjectId, taskId: TaskId, commentId: CommentId) {
  const { membership } = yield* accessForChange(actor, projectId, can.writeTasks, "delete comments")
  const comment = yield* requireComment(projectId, taskId, commentId)
  if (comment.authorId !== actor.userId && !can.deleteAnyComment(membership.role)) {
    return yield* new Forbidden({ reason: "Only its author or a project admin can delete a comment" })
  }
  yield* (yield* UnitOfWork).transaction(
    Effect.andThen(
      (yield* CommentRepository).delete(commentId),
      recordActivity(actor, projectId, "comment.deleted", "comment", commentId, { body: { before: comment.body } })
    )
  )
})
