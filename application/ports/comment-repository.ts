import { Context, type Effect, type Option } from "effect"
import type { Comment, CommentId } from "../../domain/projects/comment.js"
import type { ProjectId } from "../../domain/projects/project.js"
import type { TaskId } from "../../domain/projects/task.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

export class CommentRepository extends Context.Service<CommentRepository, {
  readonly insert: (comment: Comment) => Effect.Effect<void, StorageUnavailable>
  /** Only within its project and task: ids from elsewhere answer none. */
  readonly findById: (projectId: ProjectId, taskId: TaskId, id: CommentId) => Effect.Effect<Option.Option<Comment>, StorageUnavailable>
  readonly update: (comment: Comment) => Effect.Effect<void, StorageUnavailable>
  readonly delete: (id: CommentId) => Effect.Effect<void, StorageUnavailable>
  /** Oldest first (keyset on created_at, id); limit + 1 rows. */
  readonly list: (taskId: TaskId, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Comment>, StorageUnavailable>
}>()("CommentRepository") {}
