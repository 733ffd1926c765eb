import { Effect } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { requireUser } from "./users.js"

export const currentUser = Effect.fn("Identity.currentUser")(function*(actor: Actor) {
  return yield* requireUser(actor.userId)
})
