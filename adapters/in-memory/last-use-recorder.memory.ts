import { Effect, Layer } from "effect"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { LastUseRecorder } from "../../application/ports/last-use-recorder.js"
import { SessionRepository } from "../../application/ports/session-repository.js"

/** For tests only: writes each use through at once, so a test reads it back without waiting for a batch. */
export const LastUseRecorderMemory = Layer.effect(
  LastUseRecorder,
  Effect.gen(function*() {
    const sessions = yield* SessionRepository
    const keys = yield* ApiKeyRepository
    return LastUseRecorder.of({
      session: (id, at) => Effect.orDie(sessions.touchMany([{ id, at }])),
      apiKey: (id, at) => Effect.orDie(keys.touchMany([{ id, at }]))
    })
  })
)
