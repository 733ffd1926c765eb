import { Effect, Option, type Redacted } from "effect"
import { InvalidCredentials } from "../../domain/identity/errors.js"
import type { Email } from "../../domain/identity/user.js"
import { PasswordHasher } from "../ports/password-hasher.js"
import { UserRepository } from "../ports/user-repository.js"
import { recordAudit } from "./audit.js"
import { startSession, type TokenPair } from "./tokens.js"
import { isTwoFactorEnabled, issueLoginChallenge } from "./two-factor.js"

export interface LoginInput {
  readonly email: Email
  readonly password: Redacted.Redacted<string>
}

export type LoginOutcome =
  | { readonly _tag: "Tokens"; readonly tokens: TokenPair }
  | { readonly _tag: "TwoFactorRequired"; readonly challengeToken: string }

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
  if (yield* isTwoFactorEnabled(user.id)) {
    // The password was right, but no tokens until the second factor: only a challenge for it.
    return { _tag: "TwoFactorRequired", challengeToken: yield* issueLoginChallenge(user) } as LoginOutcome
  }
  const tokens = yield* startSession(user)
  yield* recordAudit(user.id, "login.succeeded")
  return { _tag: "Tokens", tokens } as LoginOutcome
})
