import { Effect, Option, type Redacted } from "effect"
import { InvalidCredentials } from "../../domain/identity/errors.js"
import type { Email } from "../../domain/identity/user.js"
import { PasswordHasher } from "../ports/password-hasher.js"
import { UserRepository } from "../ports/user-repository.js"
import { recordAudit } from "./audit.js"
import { startSession } from "./tokens.js"

export interface LoginInput {
  readonly email: Email
  readonly password: Redacted.Redacted<string>
}

export const login = Effect.fn("Identity.login")(function*(input: LoginInput) {
  const hasher = yield* PasswordHasher
  const found = yield* (yield* UserRepository).findByEmail(input.email)
  if (Option.isNone(found)) {
    yield* hasher.simulateVerify(input.password)
    return yield* new InvalidCredentials()
  }
  const user = found.value
  if (!(yield* hasher.verify(user.passwordHash, input.password))) {
    yield* Effect.logInfo("login refused: wrong password").pipe(Effect.annotateLogs({ user_id: user.id }))
    yield* recordAudit(user.id, "login.failed", { reason: "wrong password" })
    return yield* new InvalidCredentials()
  }
  const tokens = yield* startSession(user)
  yield* recordAudit(user.id, "login.succeeded")
  return tokens
})
