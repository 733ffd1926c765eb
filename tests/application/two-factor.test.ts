import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { listAuditLog } from "../../application/identity/audit.js"
import { login } from "../../application/identity/login.js"
import { resetPassword } from "../../application/identity/password.js"
import { confirmTwoFactor, disableTwoFactor, enableTwoFactor, verifyLoginChallenge } from "../../application/identity/two-factor.js"
import { TwoFactorRepository } from "../../application/ports/two-factor-repository.js"
import { CHALLENGE_MAX_ATTEMPTS } from "../../domain/identity/two-factor.js"
import { ann, loginAnn, reasonOf, registerAnn, tokenFromLastMail, UseCaseLayer, forgotPasswordAndWait } from "../support/identity-helpers.js"
import { currentCode } from "../support/totp.js"

/** Ann with 2FA on: her secret and recovery codes. */
const withTwoFactor = Effect.gen(function*() {
  const user = yield* registerAnn
  const { actor } = yield* loginAnn()
  const { secret, otpauthUrl } = yield* enableTwoFactor(actor, ann.password)
  expect(otpauthUrl).toBe(`otpauth://totp/BrainOps:ann%40example.com?secret=${secret}&issuer=BrainOps`)
  const recoveryCodes = yield* confirmTwoFactor(actor, yield* currentCode(secret))
  return { user, actor, secret, recoveryCodes }
})

const challenge = Effect.gen(function*() {
  const outcome = yield* login({ email: ann.email, password: ann.password })
  if (outcome._tag !== "TwoFactorRequired") return yield* Effect.die(new Error("expected a challenge"))
  return outcome.challengeToken
})

describe("two-factor setup", () => {
  it.effect("is pending until confirmed with a code; confirm answers 10 distinct recovery codes", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      const { secret } = yield* enableTwoFactor(actor, ann.password)
      // Still pending: login gives tokens directly.
      expect((yield* login({ email: ann.email, password: ann.password }))._tag).toBe("Tokens")
      expect((yield* Effect.flip(confirmTwoFactor(actor, "000000")))._tag).toBe("InvalidTwoFactorCode")
      const codes = yield* confirmTwoFactor(actor, yield* currentCode(secret))
      expect(codes).toHaveLength(10)
      expect(new Set(codes).size).toBe(10)
      for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)
      expect((yield* login({ email: ann.email, password: ann.password }))._tag).toBe("TwoFactorRequired")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("stores the secret encrypted and the recovery codes hashed", () =>
    Effect.gen(function*() {
      const { recoveryCodes, secret, user } = yield* withTwoFactor
      const state = Option.getOrThrow(yield* (yield* TwoFactorRepository).find(user.id))
      const stored = Option.getOrThrow(state.secret)
      expect(stored).not.toContain(secret)
      expect(stored.startsWith("v1.")).toBe(true)
      expect(recoveryCodes.length).toBe(10)
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("needs the password, and refuses a second enable while on", () =>
    Effect.gen(function*() {
      const { actor } = yield* withTwoFactor
      expect((yield* Effect.flip(enableTwoFactor(actor, Redacted.make("wrong password")))).
        _tag).toBe("WrongPassword")
      expect((yield* Effect.flip(enableTwoFactor(actor, ann.password)))._tag).toBe("TwoFactorAlreadyEnabled")
      expect((yield* Effect.flip(enableTwoFactor({ ...actor, sessionId: Option.none() }, ann.password)))._tag).toBe("Forbidden")
    }).pipe(Effect.provide(UseCaseLayer)))
})

describe("login with two-factor", () => {
  it.effect("gives no tokens for the password alone; the challenge plus a code does", () =>
    Effect.gen(function*() {
      const { secret } = yield* withTwoFactor
      yield* TestClock.adjust("30 seconds")
      const token = yield* challenge
      const tokens = yield* verifyLoginChallenge(token, { _tag: "Totp", code: yield* currentCode(secret) })
      expect(tokens.accessToken.length).toBeGreaterThan(20)
      // The challenge is single-use.
      yield* TestClock.adjust("30 seconds")
      expect(reasonOf(yield* Effect.flip(verifyLoginChallenge(token, { _tag: "Totp", code: yield* currentCode(secret) })))).toBe(
        "invalid or expired two-factor challenge"
      )
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("accepts a code once: replaying it, even within its step, is refused", () =>
    Effect.gen(function*() {
      const { secret } = yield* withTwoFactor
      yield* TestClock.adjust("30 seconds")
      const code = yield* currentCode(secret)
      yield* verifyLoginChallenge(yield* challenge, { _tag: "Totp", code })
      expect(reasonOf(yield* Effect.flip(verifyLoginChallenge(yield* challenge, { _tag: "Totp", code })))).toBe("invalid two-factor code")
      // The confirm code's step was spent too: the code shown at setup cannot log in.
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("allows one step of drift either way, not two", () =>
    Effect.gen(function*() {
      const { secret } = yield* withTwoFactor
      yield* TestClock.adjust("5 minutes")
      const previous = yield* currentCode(secret, -1)
      yield* verifyLoginChallenge(yield* challenge, { _tag: "Totp", code: previous })
      yield* TestClock.adjust("2 minutes")
      const next = yield* currentCode(secret, 1)
      yield* verifyLoginChallenge(yield* challenge, { _tag: "Totp", code: next })
      yield* TestClock.adjust("5 minutes")
      const tooOld = yield* currentCode(secret, -2)
      expect(reasonOf(yield* Effect.flip(verifyLoginChallenge(yield* challenge, { _tag: "Totp", code: tooOld })))).toBe("invalid two-factor code")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("a challenge dies after 5 wrong codes, and after 5 minutes", () =>
    Effect.gen(function*() {
      const { secret } = yield* withTwoFactor
      yield* TestClock.adjust("1 minute")
      const token = yield* challenge
      for (let i = 0; i < CHALLENGE_MAX_ATTEMPTS; i++) {
        expect(reasonOf(yield* Effect.flip(verifyLoginChallenge(token, { _tag: "Totp", code: "000000" })))).toBe("invalid two-factor code")
      }
      expect(reasonOf(yield* Effect.flip(verifyLoginChallenge(token, { _tag: "Totp", code: yield* currentCode(secret) })))).toBe(
        "invalid or expired two-factor challenge"
      )
      const late = yield* challenge
      yield* TestClock.adjust("5 minutes")
      expect(reasonOf(yield* Effect.flip(verifyLoginChallenge(late, { _tag: "Totp", code: yield* currentCode(secret) })))).toBe(
        "invalid or expired two-factor challenge"
      )
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("a recovery code works once, in any case or spacing, and mails a notice", () =>
    Effect.gen(function*() {
      const { actor, recoveryCodes } = yield* withTwoFactor
      const code = recoveryCodes[0]!
      yield* verifyLoginChallenge(yield* challenge, { _tag: "RecoveryCode", code: ` ${code.toUpperCase().replace(/-/g, " ")} ` })
      expect((yield* tokenFromLastMail).subject).toBe("A recovery code was used")
      expect(reasonOf(yield* Effect.flip(verifyLoginChallenge(yield* challenge, { _tag: "RecoveryCode", code })))).toBe("invalid two-factor code")
      const events = (yield* listAuditLog(actor, { limit: 50, cursor: Option.none() })).items.map((e) => e.type)
      expect(events).toEqual(expect.arrayContaining(["recovery_code.used", "two_factor.enabled", "login.failed", "login.succeeded"]))
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("a password reset does not switch two-factor off", () =>
    Effect.gen(function*() {
      yield* withTwoFactor
      yield* forgotPasswordAndWait(ann.email)
      const { token } = yield* tokenFromLastMail
      yield* resetPassword(token, Redacted.make("a brand new passphrase"))
      expect((yield* login({ email: ann.email, password: Redacted.make("a brand new passphrase") }))._tag).toBe("TwoFactorRequired")
    }).pipe(Effect.provide(UseCaseLayer)))
})

describe("two-factor disable", () => {
  it.effect("needs the password and a valid code; then login needs the password only", () =>
    Effect.gen(function*() {
      const { actor, secret } = yield* withTwoFactor
      yield* TestClock.adjust("30 seconds")
      expect((yield* Effect.flip(disableTwoFactor(actor, Redacted.make("wrong password"), yield* currentCode(secret))))._tag).toBe("WrongPassword")
      expect((yield* Effect.flip(disableTwoFactor(actor, ann.password, "123456")))._tag).toBe("InvalidTwoFactorCode")
      yield* disableTwoFactor(actor, ann.password, yield* currentCode(secret))
      expect((yield* tokenFromLastMail).subject).toBe("Two-factor authentication is off")
      expect((yield* login({ email: ann.email, password: ann.password }))._tag).toBe("Tokens")
      expect((yield* Effect.flip(disableTwoFactor(actor, ann.password, "123456")))._tag).toBe("TwoFactorNotEnabled")
    }).pipe(Effect.provide(UseCaseLayer)))
})
