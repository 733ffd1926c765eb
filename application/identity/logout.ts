import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { SessionRepository } from "../ports/session-repository.js"

/** Ends the actor's current session; its refresh token and every access token issued for it stop working. */
export const logout = Effect.fn("Identity.logout")(function*(actor: Actor) {
  if (Option.isNone(actor.sessionId)) return
  yield* (yield* SessionRepository).revoke(actor.sessionId.value, yield* DateTime.now)
})
