import { DateTime, Effect, Option, type Redacted } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { Unauthenticated } from "../../domain/identity/errors.js"
import {
  CHALLENGE_MAX_ATTEMPTS,
  CHALLENGE_TTL,
  formatRecoveryCode,
  InvalidTwoFactorCode,
  normalizeRecoveryCode,
  RECOVERY_ALPHABET,
  RECOVERY_CODE_COUNT,
  TwoFactorAlreadyEnabled,
  TwoFactorNotEnabled,
  TwoFactorNotPending
} from "../../domain/identity/two-factor.js"
import type { User, UserId } from "../../domain/identity/user.js"
import { queueMail } from "../mail/queue-mail.js"
import { securityNoticeMail } from "../mail/templates.js"
import { Ids } from "../ports/ids.js"
import { SecretBox } from "../ports/secret-box.js"
import { SecretTokens } from "../ports/secret-tokens.js"
import { Totp } from "../ports/totp.js"
import { TwoFactorRepository, type TwoFactorState } from "../ports/two-factor-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { recordAudit } from "./audit.js"
import { reauthenticate, reauthenticationFailed, requireSession } from "./password.js"
import { check, count } from "../shared/rate-limit.js"
import { enforcePerAddress, policies } from "./limits.js"
import { startSession } from "./tokens.js"
import { requireUser } from "./users.js"

const activeSecret = (state: Option.Option<TwoFactorState>) =>
  Option.flatMap(state, (s) => s.secret)

export const isTwoFactorEnabled = (userId: UserId) =>
  Effect.map(Effect.flatMap(TwoFactorRepository, (repo) => repo.find(userId)), (state) => Option.isSome(activeSecret(state)))

const openSecret = (sealed: string) =>
  Effect.flatMap(SecretBox, (box) => box.open(sealed)).pipe(
    // A secret that no longer opens means the encryption key changed: an operator's problem, not the user's.
    Effect.mapError(() => new Error("a stored 2FA secret cannot be decrypted: was ENCRYPTION_KEY changed?")),
    Effect.orDie
  )

/** Checks a TOTP code against the user's active secret and spends its time step (no replay). */
const acceptTotp = (user: User, state: TwoFactorState, code: string) =>
  Effect.gen(function*() {
    const secret = yield* openSecret(Option.getOrThrow(state.secret))
    const step = yield* (yield* Totp).verify(secret, code, state.lastStep)
    if (Option.isNone(step)) return false
    return yield* (yield* TwoFactorRepository).advanceStep(user.id, step.value)
  })

const acceptRecoveryCode = (user: User, code: string) =>
  Effect.gen(function*() {
    const hash = (yield* SecretTokens).hash(normalizeRecoveryCode(code))
    const used = yield* (yield* TwoFactorRepository).consumeRecoveryCode(user.id, hash, yield* DateTime.now)
    if (used) {
      const left = yield* (yield* TwoFactorRepository).remainingRecoveryCodes(user.id)
      yield* recordAudit(user.id, "recovery_code.used", { remaining: String(left) })
      yield* queueMail(securityNoticeMail(user.email, user.name, "A recovery code was used", `A recovery code was used to sign in to your account. ${left} unused codes remain.`))
    }
    return used
  })

/** Starts a setup: a new secret, kept sealed and pending until a code from it is confirmed. */
export const enableTwoFactor = Effect.fn("Identity.enableTwoFactor")(function*(actor: Actor, password: Redacted.Redacted<string>) {
  yield* requireSession(actor)
  const user = yield* requireUser(actor.userId)
  yield* reauthenticate(user, password)
  const repo = yield* TwoFactorRepository
  if (Option.isSome(activeSecret(yield* repo.find(user.id)))) return yield* new TwoFactorAlreadyEnabled()
  const totp = yield* Totp
  const secret = yield* totp.generateSecret
  yield* repo.setPending(user.id, yield* (yield* SecretBox).seal(secret))
  return { secret, otpauthUrl: totp.uri(secret, user.email) }
})

const newRecoveryCodes = Effect.flatMap(SecretTokens, (secrets) =>
  Effect.all(Array.from({ length: RECOVERY_CODE_COUNT }, () => Effect.map(secrets.randomString(RECOVERY_ALPHABET, 12), formatRecoveryCode))))

/** Activates a pending setup with a code from the authenticator; answers the recovery codes, shown once. */
export const confirmTwoFactor = Effect.fn("Identity.confirmTwoFactor")(function*(actor: Actor, code: string) {
  yield* requireSession(actor)
  const user = yield* requireUser(actor.userId)
  const repo = yield* TwoFactorRepository
  const state = yield* repo.find(user.id)
  if (Option.isSome(activeSecret(state))) return yield* new TwoFactorAlreadyEnabled()
  const pending = Option.flatMap(state, (s) => s.pendingSecret)
  if (Option.isNone(pending)) return yield* new TwoFactorNotPending()
  const step = yield* (yield* Totp).verify(yield* openSecret(pending.value), code, Option.none())
  if (Option.isNone(step)) return yield* new InvalidTwoFactorCode()
  const codes = yield* newRecoveryCodes
  const secrets = yield* SecretTokens
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      yield* repo.activate(user.id, yield* DateTime.now, step.value, codes.map((c) => secrets.hash(normalizeRecoveryCode(c))))
      yield* recordAudit(user.id, "two_factor.enabled")
      yield* queueMail(securityNoticeMail(user.email, user.name, "Two-factor authentication is on", "Two-factor authentication was turned on for your account."))
    })
  )
  return codes
})

/** Turns 2FA off: needs the password and a current code (or a recovery code); wrong ones are limited and counted. */
export const disableTwoFactor = Effect.fn("Identity.disableTwoFactor")(function*(
  actor: Actor,
  password: Redacted.Redacted<string>,
  code: string
) {
  yield* requireSession(actor)
  const user = yield* requireUser(actor.userId)
  const limits = yield* policies
  // Codes guessed here and at the login's second step share one budget.
  yield* check(limits.twoFactorFailuresPerUser, user.id)
  yield* reauthenticate(user, password)
  const repo = yield* TwoFactorRepository
  const state = yield* repo.find(user.id)
  if (Option.isNone(activeSecret(state))) return yield* new TwoFactorNotEnabled()
  const accepted = (yield* acceptTotp(user, Option.getOrThrow(state), code)) || (yield* acceptRecoveryCode(user, code))
  if (!accepted) {
    yield* count(limits.twoFactorFailuresPerUser, user.id)
    yield* reauthenticationFailed(user, "wrong two-factor code")
    return yield* new InvalidTwoFactorCode()
  }
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      yield* repo.disable(user.id)
      yield* recordAudit(user.id, "two_factor.disabled")
      yield* queueMail(securityNoticeMail(user.email, user.name, "Two-factor authentication is off", "Two-factor authentication was turned off for your account."))
    })
  )
})

/** The second step of a login with 2FA on: a challenge bound to that login, short-lived and single-use. */
export const issueLoginChallenge = Effect.fn("Identity.issueLoginChallenge")(function*(user: User) {
  const secrets = yield* SecretTokens
  const token = yield* secrets.generate
  yield* (yield* TwoFactorRepository).insertChallenge({
    id: yield* (yield* Ids).next,
    userId: user.id,
    tokenHash: secrets.hash(token),
    expiresAt: DateTime.addDuration(yield* DateTime.now, CHALLENGE_TTL),
    attempts: 0
  })
  return token
})

export type SecondFactor = { readonly _tag: "Totp"; readonly code: string } | { readonly _tag: "RecoveryCode"; readonly code: string }

/**
 * Completes a login: the challenge must be live and the code right. Each wrong code counts against
 * the challenge; after CHALLENGE_MAX_ATTEMPTS it is dead and the login must start again.
 */
export const verifyLoginChallenge = Effect.fn("Identity.verifyLoginChallenge")(function*(challengeToken: string, factor: SecondFactor) {
  const limits = yield* policies
  yield* enforcePerAddress(limits.twoFactorPerIp)
  const repo = yield* TwoFactorRepository
  const now = yield* DateTime.now
  const challenge = yield* repo.findChallenge((yield* SecretTokens).hash(challengeToken))
  if (Option.isNone(challenge) || !DateTime.isLessThan(now, challenge.value.expiresAt) || challenge.value.attempts >= CHALLENGE_MAX_ATTEMPTS) {
    return yield* new Unauthenticated({ reason: "invalid or expired two-factor challenge" })
  }
  const user = yield* requireUser(challenge.value.userId)
  // Across challenges too: starting new logins must not buy more guesses.
  yield* check(limits.twoFactorFailuresPerUser, user.id)
  const state = yield* repo.find(user.id)
  if (Option.isNone(activeSecret(state))) return yield* new Unauthenticated({ reason: "invalid or expired two-factor challenge" })
  const accepted = factor._tag === "Totp"
    ? yield* acceptTotp(user, Option.getOrThrow(state), factor.code)
    : yield* acceptRecoveryCode(user, factor.code)
  if (!accepted) {
    const attempts = yield* repo.recordChallengeFailure(challenge.value.id)
    yield* count(limits.twoFactorFailuresPerUser, user.id)
    yield* recordAudit(user.id, "login.failed", { reason: "wrong two-factor code", attempts: String(attempts) })
    return yield* new Unauthenticated({ reason: "invalid two-factor code" })
  }
  if (!(yield* repo.consumeChallenge(challenge.value.id, now))) {
    return yield* new Unauthenticated({ reason: "invalid or expired two-factor challenge" })
  }
  const tokens = yield* startSession(user)
  yield* recordAudit(user.id, "login.succeeded", { second_factor: factor._tag === "Totp" ? "totp" : "recovery_code" })
  return tokens
})
