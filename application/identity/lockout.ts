import { DateTime, Duration, Effect, Option } from "effect"
import { InvalidOneTimeToken } from "../../domain/identity/tokens.js"
import type { Email, User } from "../../domain/identity/user.js"
import { MailSettings } from "../mail/settings.js"
import { queueMail } from "../mail/queue-mail.js"
import { accountLockedMail } from "../mail/templates.js"
import { OneTimeTokens } from "../ports/one-time-tokens.js"
import { SecretTokens } from "../ports/secret-tokens.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { UserRepository } from "../ports/user-repository.js"
import { count, forget, type RateLimitPolicy } from "../shared/rate-limit.js"
import { recordAudit } from "./audit.js"
import { policies } from "./limits.js"
import { issueOneTimeToken } from "./one-time-token.js"

/** Mails the owner of a locked account a link that lifts the lock at once (it lifts by itself when the window ends). */
export const lockAccount = Effect.fn("Identity.lockAccount")(function*(user: User, lockout: RateLimitPolicy) {
  const { publicBaseUrl } = yield* MailSettings
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      const token = yield* issueOneTimeToken(user.id, "unlock-account", lockout.window)
      yield* recordAudit(user.id, "account.locked", { failures: String(lockout.limit) })
      yield* queueMail(accountLockedMail(user.email, user.name, publicBaseUrl, token, Math.round(Duration.toMinutes(lockout.window))))
    })
  )
})

/**
 * Counts one failed proof of identity (a wrong password at login or behind a session, a wrong code)
 * against the account's lockout, keyed by email whether or not an account has it; the failure that
 * reaches the threshold locks the account and mails its owner.
 */
export const countSignInFailure = Effect.fn("Identity.countSignInFailure")(function*(email: Email, user: Option.Option<User>) {
  const { lockout } = yield* policies
  const verdict = yield* count(lockout, email)
  if (verdict.count === lockout.limit && Option.isSome(user)) yield* lockAccount(user.value, lockout)
})

export const unlockAccount = Effect.fn("Identity.unlockAccount")(function*(token: string) {
  const secrets = yield* SecretTokens
  const userId = yield* (yield* OneTimeTokens).consume(secrets.hash(token), "unlock-account", yield* DateTime.now)
  const user = Option.isNone(userId) ? Option.none() : yield* (yield* UserRepository).findById(userId.value)
  if (Option.isNone(user)) return yield* new InvalidOneTimeToken()
  yield* forget((yield* policies).lockout, user.value.email)
  yield* recordAudit(user.value.id, "account.unlocked")
})
