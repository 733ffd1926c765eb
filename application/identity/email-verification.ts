import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { EmailAlreadyVerified, InvalidOneTimeToken } from "../../domain/identity/tokens.js"
import type { User } from "../../domain/identity/user.js"
import { MailSettings } from "../mail/settings.js"
import { queueMail } from "../mail/queue-mail.js"
import { verificationMail } from "../mail/templates.js"
import { OneTimeTokens } from "../ports/one-time-tokens.js"
import { SecretTokens } from "../ports/secret-tokens.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { UserRepository } from "../ports/user-repository.js"
import { enforce } from "../shared/rate-limit.js"
import { recordAudit } from "./audit.js"
import { policies } from "./limits.js"
import { issueOneTimeToken } from "./one-time-token.js"
import { requireUser } from "./users.js"

const VERIFICATION_TTL = "24 hours"

/** A fresh verification link for the user (older ones stop working), mailed through the outbox. */
export const issueEmailVerification = Effect.fn("Identity.issueEmailVerification")(function*(user: User) {
  const token = yield* issueOneTimeToken(user.id, "verify-email", VERIFICATION_TTL)
  const { publicBaseUrl } = yield* MailSettings
  yield* queueMail(verificationMail(user.email, user.name, publicBaseUrl, token))
})

export const verifyEmail = Effect.fn("Identity.verifyEmail")(function*(token: string) {
  const secrets = yield* SecretTokens
  const now = yield* DateTime.now
  const userId = yield* (yield* OneTimeTokens).consume(secrets.hash(token), "verify-email", now)
  if (Option.isNone(userId)) return yield* new InvalidOneTimeToken()
  yield* (yield* UserRepository).markEmailVerified(userId.value, now)
  yield* recordAudit(userId.value, "email.verified")
})

export const resendVerification = Effect.fn("Identity.resendVerification")(function*(actor: Actor) {
  yield* enforce((yield* policies).resendPerUser, actor.userId)
  const user = yield* requireUser(actor.userId)
  if (Option.isSome(user.emailVerifiedAt)) return yield* new EmailAlreadyVerified()
  yield* (yield* UnitOfWork).transaction(issueEmailVerification(user))
})
