import { Effect, Option, type Redacted } from "effect"
import { InvalidCredentials } from "../../domain/identity/errors.js"
import type { Email, User } from "../../domain/identity/user.js"
import { check, forget } from "../shared/rate-limit.js"
import { enforcePerAddress, policies } from "./limits.js"
import { countSignInFailure } from "./lockout.js"
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

/**
 * Failed sign-ins are counted per email, whether or not an account has it (so a lockout tells nothing
 * about which emails exist). At the threshold the account locks for the window, and its owner gets a
 * mail with a link that unlocks it at once: the lock is time-limited and cannot be held forever
 * against the owner.
 */
const signInFailed = (email: Email, user: Option.Option<User>) =>
  Effect.andThen(countSignInFailure(email, user), Effect.fail(new InvalidCredentials()))

export const login = Effect.fn("Identity.login")(function*(input: LoginInput) {
  const limits = yield* policies
  yield* enforcePerAddress(limits.loginPerIp)
  yield* check(limits.lockout, input.email)
  const hasher = yield* PasswordHasher
  const found = yield* (yield* UserRepository).findByEmail(input.email)
  if (Option.isNone(found)) {
    yield* hasher.simulateVerify(input.password)
    return yield* signInFailed(input.email, found)
  }
  const user = found.value
  if (!(yield* hasher.verify(user.passwordHash, input.password))) {
    yield* Effect.logInfo("login refused: wrong password").pipe(Effect.annotateLogs({ user_id: user.id }))
    yield* recordAudit(user.id, "login.failed", { reason: "wrong password" })
    return yield* signInFailed(input.email, found)
  }
  yield* forget(limits.lockout, input.email)
  if (yield* isTwoFactorEnabled(user.id)) {
    // The password was right, but no tokens until the second factor: only a challenge for it.
    return { _tag: "TwoFactorRequired", challengeToken: yield* issueLoginChallenge(user) } as LoginOutcome
  }
  const tokens = yield* startSession(user)
  yield* recordAudit(user.id, "login.succeeded")
  return { _tag: "Tokens", tokens } as LoginOutcome
})
