import { DateTime, Duration, Effect, Option, Redacted } from "effect"
import { type Actor } from "../../domain/identity/actor.js"
import { WrongPassword } from "../../domain/identity/errors.js"
import { checkPasswordPolicy } from "../../domain/identity/password-policy.js"
import { InvalidOneTimeToken } from "../../domain/identity/tokens.js"
import type { Email, User } from "../../domain/identity/user.js"
import { Forbidden } from "../../domain/shared/errors.js"
import { MailSettings } from "../mail/settings.js"
import { queueMail } from "../mail/queue-mail.js"
import { passwordResetMail, passwordWasResetMail, securityNoticeMail } from "../mail/templates.js"
import { ApiKeyRepository } from "../ports/api-key-repository.js"
import { OneTimeTokens } from "../ports/one-time-tokens.js"
import { PasswordHasher } from "../ports/password-hasher.js"
import { SecretTokens } from "../ports/secret-tokens.js"
import { SessionRepository } from "../ports/session-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { UserRepository } from "../ports/user-repository.js"
import { recordAudit } from "./audit.js"
import { check, count, enforce, forget } from "../shared/rate-limit.js"
import { countSignInFailure } from "./lockout.js"
import { enforcePerAddress, policies } from "./limits.js"
import { issueOneTimeToken } from "./one-time-token.js"
import { IdentitySettings } from "./settings.js"
import { requireUser } from "./users.js"

const issueResetLink = (user: User) =>
  Effect.gen(function*() {
    const { resetTokenTtl } = yield* IdentitySettings
    const { publicBaseUrl } = yield* MailSettings
    yield* (yield* UnitOfWork).transaction(
      Effect.gen(function*() {
        const token = yield* issueOneTimeToken(user.id, "reset-password", resetTokenTtl)
        yield* queueMail(passwordResetMail(user.email, user.name, publicBaseUrl, token, Math.round(Duration.toMinutes(resetTokenTtl))))
      })
    )
  }).pipe(
    Effect.tapCause((cause) => Effect.logError("password reset link could not be issued", cause)),
    Effect.annotateLogs({ user_id: user.id })
  )

/**
 * Mails a single-use reset link when the email belongs to an account; says nothing either way (the
 * caller answers 202 with one body). Both paths answer after the same work (limits and one lookup):
 * the link is issued in the background, so the answer's time does not tell whether the account exists.
 * Answers the background fiber, for callers that must wait for it (tests); the HTTP adapter does not.
 */
export const forgotPassword = Effect.fn("Identity.forgotPassword")(function*(email: Email) {
  const limits = yield* policies
  yield* enforcePerAddress(limits.forgotPerIp)
  yield* enforce(limits.forgotPerEmail, email)
  const user = yield* (yield* UserRepository).findByEmail(email)
  const work = Option.match(user, { onNone: () => Effect.void, onSome: issueResetLink })
  return yield* Effect.forkDetach(Effect.ignore(work))
})

const setNewPassword = (user: User, newPassword: Redacted.Redacted<string>) =>
  Effect.gen(function*() {
    yield* Effect.fromResult(checkPasswordPolicy(Redacted.value(newPassword), user.email))
    return yield* (yield* PasswordHasher).hash(newPassword)
  })

/**
 * Sets a new password from a reset link and ends every session and revokes every API key of the account
 * (whoever had them may be the reason for the reset); the mail tells how many keys went. Two-factor
 * stays as it is: a mailbox alone must not be able to turn it off.
 */
export const resetPassword = Effect.fn("Identity.resetPassword")(function*(token: string, newPassword: Redacted.Redacted<string>) {
  const secrets = yield* SecretTokens
  const tokens = yield* OneTimeTokens
  const hash = secrets.hash(token)
  const userId = yield* tokens.find(hash, "reset-password", yield* DateTime.now)
  const found = Option.isNone(userId) ? Option.none() : yield* (yield* UserRepository).findById(userId.value)
  if (Option.isNone(found)) return yield* new InvalidOneTimeToken()
  const user = found.value
  // Checked before the token is used up, so a refused password does not cost the user their link.
  const passwordHash = yield* setNewPassword(user, newPassword)
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      const now = yield* DateTime.now
      const consumed = yield* tokens.consume(hash, "reset-password", now)
      if (Option.isNone(consumed)) return yield* new InvalidOneTimeToken()
      yield* (yield* UserRepository).setPasswordHash(user.id, passwordHash, now)
      yield* (yield* SessionRepository).revokeAllForUser(user.id, now, Option.none())
      const revokedApiKeys = yield* (yield* ApiKeyRepository).revokeAllForUser(user.id, now)
      // Whoever reset the password controls the mailbox: a lockout on the account ends with it.
      yield* forget((yield* policies).lockout, user.email)
      yield* recordAudit(user.id, "password.reset", { api_keys_revoked: String(revokedApiKeys) })
      yield* queueMail(passwordWasResetMail(user.email, user.name, revokedApiKeys))
    })
  )
})

/** Only a signed-in session (not an API key) may change credentials. */
export const requireSession = (actor: Actor) =>
  Option.match(actor.sessionId, {
    onNone: () => Effect.fail(new Forbidden({ reason: "This needs a signed-in session; API keys cannot do it" })),
    onSome: Effect.succeed
  })

/**
 * Before a signed-in user proves again who they are (password or code): refused while the account is
 * locked, or once its re-authentication failures reach their limit.
 */
export const guardReauthentication = (user: User) =>
  Effect.gen(function*() {
    const limits = yield* policies
    yield* check(limits.reauthFailuresPerUser, user.id)
    yield* check(limits.lockout, user.email)
  })

/** A failed re-authentication: counted per user, in the audit log, and toward the account's lockout. */
export const reauthenticationFailed = (user: User, reason: string) =>
  Effect.gen(function*() {
    yield* count((yield* policies).reauthFailuresPerUser, user.id)
    yield* recordAudit(user.id, "reauthentication.failed", { reason })
    yield* countSignInFailure(user.email, Option.some(user))
  })

/** Checks the caller's current password before a sensitive change; attempts are limited and counted. */
export const reauthenticate = (user: User, password: Redacted.Redacted<string>) =>
  Effect.gen(function*() {
    yield* guardReauthentication(user)
    if (!(yield* (yield* PasswordHasher).verify(user.passwordHash, password))) {
      yield* reauthenticationFailed(user, "wrong password")
      return yield* new WrongPassword()
    }
  })

/** Changes the password and ends every other session of the account; the current one stays signed in. */
export const changePassword = Effect.fn("Identity.changePassword")(function*(
  actor: Actor,
  currentPassword: Redacted.Redacted<string>,
  newPassword: Redacted.Redacted<string>
) {
  const sessionId = yield* requireSession(actor)
  const user = yield* requireUser(actor.userId)
  yield* reauthenticate(user, currentPassword)
  const passwordHash = yield* setNewPassword(user, newPassword)
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      const now = yield* DateTime.now
      yield* (yield* UserRepository).setPasswordHash(user.id, passwordHash, now)
      yield* (yield* SessionRepository).revokeAllForUser(user.id, now, Option.some(sessionId))
      yield* recordAudit(user.id, "password.changed")
      yield* queueMail(securityNoticeMail(user.email, user.name, "Your password was changed", "The password of your account was changed; other sessions were signed out."))
    })
  )
})
