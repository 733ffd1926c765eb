import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Layer, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { resendVerification, verifyEmail } from "../../application/identity/email-verification.js"
import { register } from "../../application/identity/register.js"
import { dispatchDueMail } from "../../application/mail/dispatch.js"
import { listOutbox } from "../../application/mail/list-outbox.js"
import { MailOutbox } from "../../application/ports/mail-outbox.js"
import { Mailer } from "../../application/ports/mailer.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { ALL_SCOPES, type Actor } from "../../domain/identity/actor.js"
import { Email } from "../../domain/identity/user.js"
import { MAX_MAIL_ATTEMPTS } from "../../domain/mail/mail.js"
import { DeliveredMail } from "../../adapters/in-memory/mailer.memory.js"
import { IdentityTestLayer } from "../support/identity-layer.js"

const email = Email.make("ann@example.com")
const actorOf = (user: { id: Actor["userId"]; role: Actor["role"] }): Actor => ({
  userId: user.id,
  role: user.role,
  sessionId: Option.none(),
  apiKeyId: Option.none(),
  scopes: new Set(ALL_SCOPES)
})

const setup = Effect.gen(function*() {
  yield* TestClock.setTime(Date.parse("2026-03-01T09:00:00Z"))
  return yield* register({ email, password: Redacted.make("correct horse battery"), name: "Ann" })
})

const tokenFromLastMail = Effect.gen(function*() {
  const mails = yield* (yield* DeliveredMail).all
  const text = mails.at(-1)?.text ?? ""
  return decodeURIComponent(/\?token=([^\s]+)/.exec(text)?.[1] ?? "")
})

describe("email verification", () => {
  it.effect("register puts a verification mail in the outbox; the dispatcher delivers it with a working link", () =>
    Effect.gen(function*() {
      const user = yield* setup
      expect(yield* dispatchDueMail(10)).toBe(1)
      const [mail] = yield* (yield* DeliveredMail).all
      expect(mail?.to).toBe("ann@example.com")
      expect(mail?.subject).toBe("Confirm your email address")
      expect(mail?.text).toMatch(/https:\/\/app\.test\/verify-email\?token=[\w-]{43}/)
      expect(mail?.html).toContain("https://app.test/verify-email?token=")
      yield* verifyEmail(yield* tokenFromLastMail)
      const verified = Option.getOrThrow(yield* (yield* UserRepository).findById(user.id))
      expect(Option.isSome(verified.emailVerifiedAt)).toBe(true)
    }).pipe(Effect.provide(IdentityTestLayer)))

  it.effect("a link works once, and not after 24 hours", () =>
    Effect.gen(function*() {
      yield* setup
      yield* dispatchDueMail(10)
      const token = yield* tokenFromLastMail
      yield* verifyEmail(token)
      expect((yield* Effect.flip(verifyEmail(token)))._tag).toBe("InvalidOneTimeToken")
    }).pipe(Effect.provide(IdentityTestLayer)))

  it.effect("expires after 24 hours; resending supersedes the older link", () =>
    Effect.gen(function*() {
      const user = yield* setup
      yield* dispatchDueMail(10)
      const first = yield* tokenFromLastMail
      yield* TestClock.adjust("24 hours")
      expect((yield* Effect.flip(verifyEmail(first)))._tag).toBe("InvalidOneTimeToken")
      yield* resendVerification(actorOf(user))
      yield* dispatchDueMail(10)
      const second = yield* tokenFromLastMail
      yield* resendVerification(actorOf(user))
      yield* dispatchDueMail(10)
      expect((yield* Effect.flip(verifyEmail(second)))._tag).toBe("InvalidOneTimeToken")
      yield* verifyEmail(yield* tokenFromLastMail)
      expect((yield* Effect.flip(resendVerification(actorOf(user))))._tag).toBe("EmailAlreadyVerified")
    }).pipe(Effect.provide(IdentityTestLayer)))
})

describe("mail dispatch", () => {
  it.effect("retries a failed delivery with backoff, then delivers it once", () =>
    Effect.gen(function*() {
      yield* setup
      yield* (yield* DeliveredMail).failNext(2)
      expect(yield* dispatchDueMail(10)).toBe(0)
      expect(yield* dispatchDueMail(10)).toBe(0) // not due yet: waits 5 s
      yield* TestClock.adjust("5 seconds")
      expect(yield* dispatchDueMail(10)).toBe(0) // second failure: waits 10 s
      yield* TestClock.adjust("9 seconds")
      expect(yield* dispatchDueMail(10)).toBe(0)
      yield* TestClock.adjust("1 second")
      expect(yield* dispatchDueMail(10)).toBe(1)
      expect(yield* dispatchDueMail(10)).toBe(0)
      expect(yield* (yield* DeliveredMail).all).toHaveLength(1)
      const [mail] = yield* (yield* MailOutbox).list(Option.none(), 10)
      expect([mail?.status, mail?.attempts]).toEqual(["sent", 3])
    }).pipe(Effect.provide(IdentityTestLayer)))

  it.effect("gives a mail up after the last attempt, keeping the error", () =>
    Effect.gen(function*() {
      yield* setup
      yield* (yield* DeliveredMail).failNext(100)
      for (let i = 0; i < MAX_MAIL_ATTEMPTS; i++) {
        yield* dispatchDueMail(10)
        yield* TestClock.adjust("1 hour")
      }
      const [mail] = yield* (yield* MailOutbox).list(Option.none(), 10)
      expect(mail?.status).toBe("failed")
      expect(mail?.attempts).toBe(MAX_MAIL_ATTEMPTS)
      expect(mail?.lastError).toEqual(Option.some("simulated failure"))
      expect(yield* (yield* MailOutbox).due(DateTime.makeUnsafe("2100-01-01"), 10)).toEqual([])
    }).pipe(Effect.provide(IdentityTestLayer)))

  it.effect("a mailer that hands mail to a real service leaves no live links in the outbox", () =>
    Effect.gen(function*() {
      yield* setup
      expect(yield* dispatchDueMail(10)).toBe(1)
      const [mail] = yield* (yield* MailOutbox).list(Option.none(), 10)
      expect([mail?.status, mail?.content.subject, mail?.content.text, mail?.content.html]).toEqual(["sent", "Confirm your email address", "", ""])
    }).pipe(
      Effect.provide(Layer.merge(IdentityTestLayer, Layer.succeed(Mailer, { name: "remote", keepsBodiesInOutbox: false, deliver: () => Effect.void })))
    ))

  it.effect("the outbox is for administrators only", () =>
    Effect.gen(function*() {
      const user = yield* setup
      const refused = yield* Effect.flip(listOutbox(actorOf(user), { limit: 10, cursor: Option.none() }))
      expect(refused._tag).toBe("Forbidden")
      const page = yield* listOutbox(actorOf({ ...user, role: "admin" }), { limit: 10, cursor: Option.none() })
      expect(page.items).toHaveLength(1)
      expect(Option.isNone(page.nextCursor)).toBe(true)
      expect((yield* Effect.flip(listOutbox(actorOf({ ...user, role: "admin" }), { limit: 10, cursor: Option.some("%%") })))._tag).toBe("InvalidCursor")
    }).pipe(Effect.provide(IdentityTestLayer)))
})
