import { Effect } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { requireUser } from "./users.js"

/** The caller's own record: as authentication read it in this request, else read now. */
export const currentUser = Effect.fn("Identity.currentUser")(function*(actor: Actor) {
  return actor.user ?? (yield* requireUser(actor.userId))
})
