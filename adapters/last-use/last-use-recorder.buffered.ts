import { Duration, Effect, Layer, Schedule } from "effect"
import type { DateTime } from "effect"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { LastUseRecorder } from "../../application/ports/last-use-recorder.js"
import { SessionRepository } from "../../application/ports/session-repository.js"
import type { ApiKeyId } from "../../domain/identity/api-key.js"
import type { SessionId } from "../../domain/identity/session.js"

const asUses = <Id>(pending: ReadonlyMap<Id, DateTime.Utc>) => [...pending].map(([id, at]) => ({ id, at }))

/**
 * Last uses kept in process (the latest per session and per key) and written every `interval` in one
 * statement per table, on a fiber of its own, and once more when the layer closes (shutdown). A batch
 * that fails is logged and dropped: a last-use time is a hint, and the next use records it again.
 */
export const LastUseRecorderBuffered = (interval: Duration.Input) =>
  Layer.effect(
    LastUseRecorder,
    Effect.gen(function*() {
      const sessions = yield* SessionRepository
      const keys = yield* ApiKeyRepository
      let pendingSessions = new Map<SessionId, DateTime.Utc>()
      let pendingKeys = new Map<ApiKeyId, DateTime.Utc>()
      const flush = Effect.suspend(() => {
        const [takenSessions, takenKeys] = [pendingSessions, pendingKeys]
        if (takenSessions.size === 0 && takenKeys.size === 0) return Effect.void
        pendingSessions = new Map()
        pendingKeys = new Map()
        return Effect.andThen(
          takenSessions.size === 0 ? Effect.void : sessions.touchMany(asUses(takenSessions)),
          takenKeys.size === 0 ? Effect.void : keys.touchMany(asUses(takenKeys))
        ).pipe(Effect.catchCause((cause) => Effect.logWarning("last uses were not recorded", cause)))
      })
      yield* Effect.forkScoped(Effect.repeat(flush, Schedule.spaced(Duration.fromInputUnsafe(interval))))
      yield* Effect.addFinalizer(() => flush)
      return LastUseRecorder.of({
        session: (id, at) => Effect.sync(() => void pendingSessions.set(id, at)),
        apiKey: (id, at) => Effect.sync(() => void pendingKeys.set(id, at))
      })
    })
  )
