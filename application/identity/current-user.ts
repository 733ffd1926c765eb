import { Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { Unauthenticated } from "../../domain/identity/errors.js"
import { UserRepository } from "../ports/user-repository.js"

export const currentUser = Effect.fn("Identity.currentUser")(function*(actor: Actor) {
  const user = yield* (yield* UserRepository).findById(actor.userId)
  if (Option.isNone(user)) return yield* new Unauthenticated({ reason: "user no longer exists" })
  return user.value
})
