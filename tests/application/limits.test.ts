import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { resendVerification } from "../../application/identity/email-verification.js"
import { unlockAccount } from "../../application/identity/lockout.js"
import { login } from "../../application/identity/login.js"
import { forgotPassword, resetPassword } from "../../application/identity/password.js"
import { register } from "../../application/identity/register.js"
import { confirmTwoFactor, disableTwoFactor, enableTwoFactor, verifyLoginChallenge } from "../../application/identity/two-factor.js"
import { changePassword } from "../../application/identity/password.js"
import { listAuditLog } from "../../application/identity/audit.js"
import { RequestClient } from "../../application/identity/client.js"
import { Email } from "../../domain/identity/user.js"
import { IdentityTestLayer, TEST_RATE_LIMITS } from "../support/identity-layer.js"
import { RateLimitSettings } from "../../application/identity/limits.js"
import { ann, loginAnn, registerAnn, tokenFromLastMail, UseCaseLayer, forgotPasswordAndWait } from "../support/identity-helpers.js"
import { currentCode } from "../support/totp.js"
import { tagOf } from "../support/fixtures.js"

const wrong = Redacted.make("not the password")
const fromAddress = (ip: string) =>
  Layer.succeed(RequestClient, { ip: Option.some(ip), userAgent: Option.none() })

describe("lockout", () => {
  it.effect("locks an account after repeated failures, even for the right password, and mails an unlock link", () =>
    Effect.gen(function*() {
      yield* registerAnn
      for (let i = 0; i < TEST_RATE_LIMITS.lockoutThreshold; i++) {
        expect(yield* tagOf(login({ email: ann.email, password: wrong }))).toBe("InvalidCredentials")
      }
      const locked = yield* Effect.flip(login({ email: ann.email, password: ann.password }))
      expect(locked._tag).toBe("RateLimited")
      expect(locked._tag === "RateLimited" && locked.retryAfterSeconds).toBeGreaterThan(0)
      const mail = yield* tokenFromLastMail
      expect(mail.subject).toBe("Your account was locked after failed sign-ins")
      yield* unlockAccount(mail.token)
      expect(yield* tagOf(login({ email: ann.email, password: ann.password }))).toBe("ok")
      expect(yield* tagOf(unlockAccount(mail.token))).toBe("InvalidOneTimeToken")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("lifts by itself when its window ends (time-limited, never forever)", () =>
    Effect.gen(function*() {
      yield* registerAnn
      for (let i = 0; i < TEST_RATE_LIMITS.lockoutThreshold; i++) yield* Effect.result(login({ email: ann.email, password: wrong }))
      expect(yield* tagOf(login({ email: ann.email, password: ann.password }))).toBe("RateLimited")
      yield* TestClock.adjust("15 minutes")
      expect(yield* tagOf(login({ email: ann.email, password: ann.password }))).toBe("ok")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("treats unknown emails alike, so a lockout does not tell which accounts exist", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const ghost = Email.make("ghost@example.com")
      for (let i = 0; i < TEST_RATE_LIMITS.lockoutThreshold; i++) yield* Effect.result(login({ email: ghost, password: wrong }))
      expect(yield* tagOf(login({ email: ghost, password: wrong }))).toBe("RateLimited")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("a successful password reset lifts the lock", () =>
    Effect.gen(function*() {
      yield* registerAnn
      for (let i = 0; i < TEST_RATE_LIMITS.lockoutThreshold; i++) yield* Effect.result(login({ email: ann.email, password: wrong }))
      yield* forgotPasswordAndWait(ann.email)
      const { token } = yield* tokenFromLastMail
      yield* resetPassword(token, Redacted.make("a brand new passphrase"))
      expect(yield* tagOf(login({ email: ann.email, password: Redacted.make("a brand new passphrase") }))).toBe("ok")
    }).pipe(Effect.provide(UseCaseLayer)))
})

describe("per-address and per-account limits", () => {
  it.effect("login attempts are limited per address, other addresses unaffected", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-01T09:00:10Z"))
      yield* register(ann)
      const attempt = (ip: string) => tagOf(login({ email: ann.email, password: ann.password }).pipe(Effect.provide(fromAddress(ip))))
      for (let i = 0; i < TEST_RATE_LIMITS.loginPerMinutePerIp; i++) expect(yield* attempt("198.51.100.1")).toBe("ok")
      expect(yield* attempt("198.51.100.1")).toBe("RateLimited")
      expect(yield* attempt("198.51.100.2")).toBe("ok")
      yield* TestClock.adjust("1 minute")
      expect(yield* attempt("198.51.100.1")).toBe("ok")
    }).pipe(Effect.provide(IdentityTestLayer)))

  it.effect("registrations are limited per address, but not for operators (no request client)", () =>
    Effect.gen(function*() {
      const signUp = (i: number) =>
        tagOf(register({ email: Email.make(`u${i}@example.com`), password: ann.password, name: "U" }).pipe(Effect.provide(fromAddress("203.0.113.9"))))
      for (let i = 0; i < TEST_RATE_LIMITS.registerPerHourPerIp; i++) expect(yield* signUp(i)).toBe("ok")
      expect(yield* signUp(999)).toBe("RateLimited")
      expect(yield* tagOf(register({ email: Email.make("ops@example.com"), password: ann.password, name: "Ops" }))).toBe("ok")
    }).pipe(Effect.provide(IdentityTestLayer)))

  it.effect("password reset requests: 3 an hour per email, known or not", () =>
    Effect.gen(function*() {
      yield* registerAnn
      for (const email of [ann.email, Email.make("ghost@example.com")]) {
        for (let i = 0; i < 3; i++) expect(yield* tagOf(forgotPassword(email))).toBe("ok")
        expect(yield* tagOf(forgotPassword(email))).toBe("RateLimited")
      }
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("verification mails: 3 an hour per account", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      for (let i = 0; i < 3; i++) yield* resendVerification(actor)
      expect(yield* tagOf(resendVerification(actor))).toBe("RateLimited")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("wrong two-factor codes are limited per account across challenges", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      const { secret } = yield* enableTwoFactor(actor, ann.password)
      yield* confirmTwoFactor(actor, yield* currentCode(secret))
      const freshChallenge = Effect.flatMap(login({ email: ann.email, password: ann.password }), (o) =>
        o._tag === "TwoFactorRequired" ? Effect.succeed(o.challengeToken) : Effect.die(new Error("expected a challenge")))
      // Two challenges of 5 wrong codes each reach the account's 10.
      for (let c = 0; c < 2; c++) {
        const token = yield* freshChallenge
        for (let i = 0; i < 5; i++) expect(yield* tagOf(verifyLoginChallenge(token, { _tag: "Totp", code: "000000" }))).toBe("Unauthenticated")
      }
      yield* TestClock.adjust("30 seconds")
      const token = yield* freshChallenge
      expect(yield* tagOf(verifyLoginChallenge(token, { _tag: "Totp", code: yield* currentCode(secret) }))).toBe("RateLimited")
      yield* TestClock.adjust("15 minutes")
      expect(yield* tagOf(verifyLoginChallenge(yield* freshChallenge, { _tag: "Totp", code: yield* currentCode(secret) }))).toBe("ok")
    }).pipe(Effect.provide(UseCaseLayer)))

  // The attack: behind one stolen session, 15 wrong passwords each on change-password and
  // two-factor/disable, and 30 wrong codes on two-factor/disable, were all answered and never counted.
  describe("re-authentication behind a session", () => {
    const newPassword = Redacted.make("a brand new passphrase")
    const attempts = <A, E extends { readonly _tag: string }, R>(n: number, attempt: Effect.Effect<A, E, R>) =>
      Effect.forEach(Array.from({ length: n }), () => tagOf(attempt))
    const expectLimited = (tags: ReadonlyArray<string>, failure: string, limit = 10) => {
      expect(tags.slice(0, limit)).toEqual(Array(limit).fill(failure))
      expect(tags.slice(limit)).toEqual(Array(tags.length - limit).fill("RateLimited"))
    }
    // The lockout threshold (TEST_RATE_LIMITS: 5) is below the re-authentication limit (10) here.
    const WideLockout = Layer.succeed(RateLimitSettings, { ...TEST_RATE_LIMITS, lockoutThreshold: 1000 })

    it.effect("15 wrong passwords on change-password: limited per user after 10 (429), each counted", () =>
      Effect.gen(function*() {
        yield* registerAnn
        const { actor } = yield* loginAnn()
        const tags = yield* attempts(15, changePassword(actor, wrong, newPassword))
        expectLimited(tags, "WrongPassword")
        const limited = yield* Effect.flip(changePassword(actor, ann.password, newPassword))
        expect(limited._tag === "RateLimited" && limited.retryAfterSeconds).toBeGreaterThan(0)
        const log = yield* listAuditLog(actor, { limit: 100, cursor: Option.none() })
        expect(log.items.filter((e) => e.type === "reauthentication.failed")).toHaveLength(10)
        yield* TestClock.adjust("15 minutes")
        yield* changePassword(actor, ann.password, newPassword)
      }).pipe(Effect.provide(WideLockout), Effect.provide(UseCaseLayer)))

    it.effect("15 wrong passwords and 30 wrong codes on two-factor/disable are limited after 10", () =>
      Effect.gen(function*() {
        yield* registerAnn
        const { actor } = yield* loginAnn()
        const { secret } = yield* enableTwoFactor(actor, ann.password)
        yield* confirmTwoFactor(actor, yield* currentCode(secret))
        expectLimited(yield* attempts(15, disableTwoFactor(actor, wrong, "000000")), "WrongPassword")
        yield* TestClock.adjust("15 minutes")
        expectLimited(yield* attempts(30, disableTwoFactor(actor, ann.password, "000000")), "InvalidTwoFactorCode")
        // A right code does not pass the limit either, and the login's second step shares the budget.
        expect(yield* tagOf(disableTwoFactor(actor, ann.password, yield* currentCode(secret, 1)))).toBe("RateLimited")
        const challenge = yield* login({ email: ann.email, password: ann.password })
        const token = challenge._tag === "TwoFactorRequired" ? challenge.challengeToken : ""
        expect(yield* tagOf(verifyLoginChallenge(token, { _tag: "Totp", code: yield* currentCode(secret, 1) }))).toBe("RateLimited")
      }).pipe(Effect.provide(WideLockout), Effect.provide(UseCaseLayer)))

    it.effect("each failure counts toward the login lockout: at the threshold, login is locked and the owner mailed", () =>
      Effect.gen(function*() {
        yield* registerAnn
        const { actor } = yield* loginAnn()
        const tags = yield* attempts(TEST_RATE_LIMITS.lockoutThreshold, changePassword(actor, wrong, newPassword))
        expect(tags).toEqual(Array(TEST_RATE_LIMITS.lockoutThreshold).fill("WrongPassword"))
        expect(yield* tagOf(login({ email: ann.email, password: ann.password }))).toBe("RateLimited")
        // A locked account cannot be re-authenticated either, even with the right password.
        expect(yield* tagOf(changePassword(actor, ann.password, newPassword))).toBe("RateLimited")
        expect((yield* tokenFromLastMail).subject).toBe("Your account was locked after failed sign-ins")
      }).pipe(Effect.provide(UseCaseLayer)))
  })
})
