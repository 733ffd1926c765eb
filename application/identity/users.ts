import { Effect, Option } from "effect"
import { Unauthenticated } from "../../domain/identity/errors.js"
import type { UserId } from "../../domain/identity/user.js"
import { UserRepository } from "../ports/user-repository.js"

/** The user behind an authenticated actor; gone since the token was issued means not authenticated. */
export const requireUser = (userId: UserId) =>
  Effect.flatMap(UserRepository, (users) => users.findById(userId)).pipe(
    Effect.flatMap(Option.match({
      onNone: () => Effect.fail(new Unauthenticated({ reason: "user no longer exists" })),
      onSome: Effect.succeed
    }))
  )
