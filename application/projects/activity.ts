import { DateTime, Effect } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { ActivityEntry, type ActivityTarget } from "../../domain/projects/activity.js"
import type { ProjectId } from "../../domain/projects/project.js"
import { ActivityLog } from "../ports/activity-log.js"
import { Ids } from "../ports/ids.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { accessProject } from "./access.js"

export const recordActivity = (
  actor: Actor,
  projectId: ProjectId,
  action: string,
  targetType: typeof ActivityTarget.Type,
  targetId: string,
  changes: Record<string, { before?: unknown; after?: unknown }> = {}
) =>
  Effect.gen(function*() {
    yield* (yield* ActivityLog).record(
      new ActivityEntry({
        id: yield* (yield* Ids).next,
        projectId,
        actorId: actor.userId,
        action,
        targetType,
        targetId,
        changes,
        createdAt: yield* DateTime.now
      })
    )
  })

export const listActivity = Effect.fn("Projects.listActivity")(function*(actor: Actor, projectId: ProjectId, page: PageRequest) {
  yield* accessProject(actor, projectId)
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* ActivityLog).list(projectId, after, page.limit)
  return toPage(rows, page.limit, (e) => ({ at: DateTime.toEpochMillis(e.createdAt), id: e.id }))
})
