import { Effect, Option, type Redacted } from "effect"
import { InvalidCredentials } from "../../domain/identity/errors.js"
import type { Email, User } from "../../domain/identity/user.js"
import { check, forget } from "../shared/rate-limit.js"
import { enforcePerAddress, policies } from "./limits.js"
import { countSignInFailure } from "./lockout.js"
import { PasswordHasher } from "../ports/password-hasher.js"
import { UserRepository } from "../ports/user-repository.js"
import { recordAudit, recordAuditOf } from "./audit.js"
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
  // The unknown-email path does the wrong-password path's work, step for step (one argon2 verify,
  // against a decoy hash; one audit write; one lockout count), so its timing tells nothing apart.
  const passwordHash = Option.match(found, { onNone: () => hasher.decoyHash, onSome: (user) => user.passwordHash })
  const matches = yield* hasher.verify(passwordHash, input.password)
  if (Option.isNone(found) || !matches) {
    const reason = Option.isNone(found) ? "unknown email" : "wrong password"
    yield* Effect.logInfo(`login refused: ${reason}`).pipe(Effect.annotateLogs({ user_id: Option.getOrNull(Option.map(found, (u) => u.id)) }))
    yield* recordAuditOf(Option.map(found, (user) => user.id), "login.failed", { reason })
    return yield* signInFailed(input.email, found)
  }
  const user = found.value
  yield* forget(limits.lockout, input.email)
  if (yield* isTwoFactorEnabled(user.id)) {
    // The password was right, but no tokens until the second factor: only a challenge for it.
    return { _tag: "TwoFactorRequired", challengeToken: yield* issueLoginChallenge(user) } as LoginOutcome
  }
  const tokens = yield* startSession(user)
  yield* recordAudit(user.id, "login.succeeded")
  return { _tag: "Tokens", tokens } as LoginOutcome
})
