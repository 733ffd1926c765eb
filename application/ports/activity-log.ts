import { Context, type Effect, type Option } from "effect"
import type { ActivityEntry } from "../../domain/projects/activity.js"
import type { ProjectId } from "../../domain/projects/project.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

export class ActivityLog extends Context.Service<ActivityLog, {
  readonly record: (entry: ActivityEntry) => Effect.Effect<void, StorageUnavailable>
  /** Newest first (keyset on created_at, id); limit + 1 rows. */
  readonly list: (projectId: ProjectId, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<ActivityEntry>, StorageUnavailable>
}>()("ActivityLog") {}
