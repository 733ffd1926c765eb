import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { listAuditLog } from "../../application/identity/audit.js"
import { authenticateAccessToken } from "../../application/identity/authenticate.js"
import { changePassword, resetPassword } from "../../application/identity/password.js"
import { refresh } from "../../application/identity/refresh.js"
import { listSessions, revokeOtherSessions, revokeSession } from "../../application/identity/sessions.js"
import { MailOutbox } from "../../application/ports/mail-outbox.js"
import { authenticateApiKey, createApiKey } from "../../application/identity/api-keys.js"
import { DeliveredMail } from "../../adapters/in-memory/mailer.memory.js"
import { dispatchDueMail } from "../../application/mail/dispatch.js"
import { Email, UserId } from "../../domain/identity/user.js"
import { SessionId } from "../../domain/identity/session.js"
import { ann, loginAnn, loginTokens, reasonOf, registerAnn, tokenFromLastMail, UseCaseLayer, forgotPasswordAndWait } from "../support/identity-helpers.js"

const newPassword = Redacted.make("a brand new passphrase")
const page = { limit: 50, cursor: Option.none() }

describe("forgot and reset password", () => {
  it.effect("mails a single-use link; the reset sets the password and ends every session", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const before = yield* loginAnn()
      yield* forgotPasswordAndWait(ann.email)
      const { subject, token } = yield* tokenFromLastMail
      expect(subject).toBe("Reset your password")
      yield* resetPassword(token, newPassword)
      expect(reasonOf(yield* Effect.flip(authenticateAccessToken(before.tokens.accessToken)))).toBe("session ended")
      expect(reasonOf(yield* Effect.flip(refresh(before.tokens.refreshToken)))).toBe("session ended")
      expect((yield* Effect.flip(loginTokens({ email: ann.email, password: ann.password })))._tag).toBe("InvalidCredentials")
      yield* loginTokens({ email: ann.email, password: newPassword })
      expect((yield* Effect.flip(resetPassword(token, Redacted.make("yet another passphrase"))))._tag).toBe("InvalidOneTimeToken")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("a reset also revokes every API key of the account, and the mail says how many", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      const keys = yield* Effect.forEach(["ci", "laptop"], (name) =>
        createApiKey(actor, { name, scopes: ["memories:read"], expiresAt: Option.none() }))
      yield* authenticateApiKey(keys[0]!.key)
      yield* forgotPasswordAndWait(ann.email)
      yield* resetPassword((yield* tokenFromLastMail).token, newPassword)
      for (const { key } of keys) {
        expect(reasonOf(yield* Effect.flip(authenticateApiKey(key)))).toBe("invalid, revoked or expired API key")
      }
      yield* dispatchDueMail(100)
      const notice = (yield* (yield* DeliveredMail).all).find((m) => m.subject === "Your password was reset")
      expect(notice?.text).toContain("every session was signed out")
      expect(notice?.text).toContain("2 API keys were revoked")
      const log = yield* listAuditLog(yield* Effect.map(loginAnn(newPassword), (l) => l.actor), page)
      expect(log.items.find((e) => e.type === "password.reset")?.details).toEqual({ api_keys_revoked: "2" })
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("says nothing for an unknown email, and mails nothing", () =>
    Effect.gen(function*() {
      yield* registerAnn
      yield* forgotPasswordAndWait(Email.make("nobody@example.com"))
      const mails = yield* (yield* MailOutbox).list(Option.none(), 100)
      expect(mails.map((m) => m.content.subject)).toEqual(["Confirm your email address"])
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("a link expires after 30 minutes, and a newer one voids the older", () =>
    Effect.gen(function*() {
      yield* registerAnn
      yield* forgotPasswordAndWait(ann.email)
      const first = (yield* tokenFromLastMail).token
      yield* forgotPasswordAndWait(ann.email)
      const second = (yield* tokenFromLastMail).token
      expect((yield* Effect.flip(resetPassword(first, newPassword)))._tag).toBe("InvalidOneTimeToken")
      yield* TestClock.adjust("30 minutes")
      expect((yield* Effect.flip(resetPassword(second, newPassword)))._tag).toBe("InvalidOneTimeToken")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("a refused new password does not use the link up", () =>
    Effect.gen(function*() {
      yield* registerAnn
      yield* forgotPasswordAndWait(ann.email)
      const { token } = yield* tokenFromLastMail
      expect((yield* Effect.flip(resetPassword(token, Redacted.make("short"))))._tag).toBe("WeakPassword")
      yield* resetPassword(token, newPassword)
    }).pipe(Effect.provide(UseCaseLayer)))
})

describe("change password", () => {
  it.effect("needs the current password and ends every other session, keeping this one", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const phone = yield* loginAnn()
      const laptop = yield* loginAnn()
      expect((yield* Effect.flip(changePassword(laptop.actor, Redacted.make("not my password"), newPassword)))._tag).toBe("WrongPassword")
      yield* changePassword(laptop.actor, ann.password, newPassword)
      yield* authenticateAccessToken(laptop.tokens.accessToken)
      expect(reasonOf(yield* Effect.flip(authenticateAccessToken(phone.tokens.accessToken)))).toBe("session ended")
      yield* loginTokens({ email: ann.email, password: newPassword })
      const events = (yield* listAuditLog(laptop.actor, page)).items.map((e) => e.type)
      expect(events).toContain("password.changed")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("is refused without a session (an API key)", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      const keyActor = { ...actor, sessionId: Option.none() }
      expect((yield* Effect.flip(changePassword(keyActor, ann.password, newPassword)))._tag).toBe("Forbidden")
    }).pipe(Effect.provide(UseCaseLayer)))
})

describe("sessions", () => {
  it.effect("lists the caller's active sessions, marks the current one, and pages", () =>
    Effect.gen(function*() {
      yield* registerAnn
      yield* loginAnn()
      yield* TestClock.adjust("1 second")
      yield* loginAnn()
      yield* TestClock.adjust("1 second")
      const current = yield* loginAnn()
      const first = yield* listSessions(current.actor, { limit: 2, cursor: Option.none() })
      expect(first.items).toHaveLength(2)
      expect(first.items[0]?.current).toBe(true)
      expect(first.items[0]?.session.ip).toEqual(Option.some("203.0.113.7"))
      const second = yield* listSessions(current.actor, { limit: 2, cursor: first.nextCursor })
      expect(second.items).toHaveLength(1)
      expect(Option.isNone(second.nextCursor)).toBe(true)
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("revokes one of one's own sessions; another user's answers NotFound", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const a = yield* loginAnn()
      const b = yield* loginAnn()
      yield* revokeSession(b.actor, Option.getOrThrow(a.actor.sessionId))
      expect(reasonOf(yield* Effect.flip(authenticateAccessToken(a.tokens.accessToken)))).toBe("session ended")
      expect((yield* Effect.flip(revokeSession(b.actor, SessionId.make(crypto.randomUUID()))))._tag).toBe("NotFound")
      const other = { ...b.actor, userId: UserId.make(crypto.randomUUID()) }
      expect((yield* Effect.flip(revokeSession(other, Option.getOrThrow(b.actor.sessionId))))._tag).toBe("NotFound")
      yield* authenticateAccessToken(b.tokens.accessToken)
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("revokes all others, not the current one (unlike the old system)", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const others = [yield* loginAnn(), yield* loginAnn()]
      const current = yield* loginAnn()
      expect(yield* revokeOtherSessions(current.actor)).toBe(2)
      yield* authenticateAccessToken(current.tokens.accessToken)
      for (const o of others) {
        expect(reasonOf(yield* Effect.flip(authenticateAccessToken(o.tokens.accessToken)))).toBe("session ended")
      }
      const events = (yield* listAuditLog(current.actor, page)).items
      expect(events.find((e) => e.type === "session.revoked")?.details).toEqual({ count: "2", scope: "all-others" })
      expect(events.find((e) => e.type === "login.succeeded")?.ip).toEqual(Option.some("203.0.113.7"))
    }).pipe(Effect.provide(UseCaseLayer)))
})
