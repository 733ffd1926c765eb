import { DateTime, Effect, Option, Redacted } from "effect"
import { checkPasswordPolicy } from "../../domain/identity/password-policy.js"
import { type Email, User, UserId } from "../../domain/identity/user.js"
import { Ids } from "../ports/ids.js"
import { PasswordHasher } from "../ports/password-hasher.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { UserRepository } from "../ports/user-repository.js"
import { issueEmailVerification } from "./email-verification.js"
import { enforcePerAddress, policies } from "./limits.js"
import type { Role } from "../../domain/identity/user.js"

export interface RegisterInput {
  readonly email: Email
  readonly password: Redacted.Redacted<string>
  readonly name: string
  readonly role?: Role
}

export const register = Effect.fn("Identity.register")(function*(input: RegisterInput) {
  yield* enforcePerAddress((yield* policies).registerPerIp)
  yield* Effect.fromResult(checkPasswordPolicy(Redacted.value(input.password), input.email))
  const users = yield* UserRepository
  const passwordHash = yield* (yield* PasswordHasher).hash(input.password)
  const now = yield* DateTime.now
  const user = new User({
    id: UserId.make(yield* (yield* Ids).next),
    email: input.email,
    name: input.name,
    role: input.role ?? "user",
    passwordHash,
    emailVerifiedAt: Option.none(),
    createdAt: now,
    updatedAt: now
  })
  // The account and its verification mail stand or fall together.
  yield* (yield* UnitOfWork).transaction(Effect.andThen(users.insert(user), issueEmailVerification(user)))
  yield* Effect.logInfo("user registered").pipe(Effect.annotateLogs({ user_id: user.id }))
  return user
})
