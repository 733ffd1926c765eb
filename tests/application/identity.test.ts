import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option, Redacted, Result } from "effect"
import { TestClock } from "effect/testing"
import { authenticateAccessToken } from "../../application/identity/authenticate.js"
import { currentUser } from "../../application/identity/current-user.js"
import { ensureAdmin } from "../../application/identity/ensure-admin.js"
import { logout } from "../../application/identity/logout.js"
import { refresh } from "../../application/identity/refresh.js"
import { register } from "../../application/identity/register.js"
import { SessionRepository } from "../../application/ports/session-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { ALL_SCOPES } from "../../domain/identity/actor.js"
import { Email } from "../../domain/identity/user.js"
import { RequestClient } from "../../application/identity/client.js"
import { loginTokens } from "../support/identity-helpers.js"
import { IdentityTestLayer, TEST_SETTINGS } from "../support/identity-layer.js"

const TestLayer = Layer.merge(
  IdentityTestLayer,
  Layer.succeed(RequestClient, { ip: Option.some("127.0.0.1"), userAgent: Option.some("vitest") })
)

const email = Email.make("ann@example.com")
const password = Redacted.make("correct horse battery")

/** Starts the TestClock at a real date and registers Ann. */
const setup = Effect.gen(function*() {
  yield* TestClock.setTime(Date.parse("2026-03-01T09:00:00Z"))
  return yield* register({ email, password, name: "Ann" })
})

const failureTag = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.result(effect), Result.match({ onFailure: (e) => e._tag, onSuccess: () => "succeeded" }))

const failureReason = <A, R>(effect: Effect.Effect<A, { readonly _tag: string; readonly reason?: string }, R>) =>
  Effect.map(Effect.flip(effect), (e) => e.reason ?? e._tag)

describe("register", () => {
  it.effect("creates a user with a hashed password and the user role", () =>
    Effect.gen(function*() {
      const user = yield* setup
      expect(user.email).toBe("ann@example.com")
      expect(user.role).toBe("user")
      expect(user.passwordHash).not.toContain("correct horse battery")
      expect(Option.isNone(user.emailVerifiedAt)).toBe(true)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("refuses a taken email and a weak password", () =>
    Effect.gen(function*() {
      yield* setup
      expect(yield* failureTag(register({ email, password, name: "Again" }))).toBe("EmailAlreadyRegistered")
      const weak = register({ email: Email.make("bob@example.com"), password: Redacted.make("short"), name: "Bob" })
      expect(yield* failureTag(weak)).toBe("WeakPassword")
      const same = register({ email: Email.make("bob@example.com"), password: Redacted.make("BOB@example.com"), name: "Bob" })
      expect(yield* failureReason(same)).toBe("password must not be the same as the email address")
    }).pipe(Effect.provide(TestLayer)))
})

describe("login", () => {
  it.effect("gives one error for a wrong password and for an unknown email", () =>
    Effect.gen(function*() {
      yield* setup
      const wrong = loginTokens({ email, password: Redacted.make("wrong password!") })
      const unknown = loginTokens({ email: Email.make("nobody@example.com"), password })
      expect(yield* failureTag(wrong)).toBe("InvalidCredentials")
      expect(yield* failureTag(unknown)).toBe("InvalidCredentials")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("opens a session whose access token names the user, with every scope", () =>
    Effect.gen(function*() {
      const user = yield* setup
      const tokens = yield* loginTokens({ email, password })
      expect(tokens.expiresInSeconds).toBe(900)
      const actor = yield* authenticateAccessToken(tokens.accessToken)
      expect(actor.userId).toBe(user.id)
      expect(actor.role).toBe("user")
      expect([...actor.scopes]).toEqual(ALL_SCOPES)
      const session = Option.getOrThrow(yield* (yield* SessionRepository).findById(Option.getOrThrow(actor.sessionId)))
      expect(session.ip).toEqual(Option.some("127.0.0.1"))
      expect(session.userAgent).toEqual(Option.some("vitest"))
      expect(session.refreshTokenHash).not.toBe(tokens.refreshToken)
      expect((yield* currentUser(actor)).email).toBe("ann@example.com")
    }).pipe(Effect.provide(TestLayer)))
})

describe("access tokens", () => {
  it.effect("work until their TTL, and not one second longer", () =>
    Effect.gen(function*() {
      yield* setup
      const tokens = yield* loginTokens({ email, password })
      yield* TestClock.adjust(Duration.subtract(TEST_SETTINGS.accessTokenTtl, Duration.seconds(1)))
      yield* authenticateAccessToken(tokens.accessToken)
      yield* TestClock.adjust(Duration.seconds(1))
      expect(yield* failureReason(authenticateAccessToken(tokens.accessToken))).toBe("access token expired")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("are refused when forged, tampered with or garbage", () =>
    Effect.gen(function*() {
      yield* setup
      const { accessToken } = yield* loginTokens({ email, password })
      const [header, payload, signature] = accessToken.split(".")
      const tampered = `${header}.${payload}x.${signature}`
      const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`
      for (const token of [tampered, unsigned, "garbage", ""]) {
        expect(yield* failureReason(authenticateAccessToken(token))).toBe("invalid access token")
      }
    }).pipe(Effect.provide(TestLayer)))

  it.effect("record the session's last use at most once a minute", () =>
    Effect.gen(function*() {
      yield* setup
      const { accessToken } = yield* loginTokens({ email, password })
      const actor = yield* authenticateAccessToken(accessToken)
      const sessions = yield* SessionRepository
      const lastUsed = () =>
        Effect.map(sessions.findById(Option.getOrThrow(actor.sessionId)), (s) => Option.getOrThrow(s).lastUsedAt)
      const loggedInAt = yield* lastUsed()
      yield* TestClock.adjust("30 seconds")
      yield* authenticateAccessToken(accessToken)
      expect(yield* lastUsed()).toEqual(loggedInAt)
      yield* TestClock.adjust("31 seconds")
      yield* authenticateAccessToken(accessToken)
      expect(yield* lastUsed()).not.toEqual(loggedInAt)
    }).pipe(Effect.provide(TestLayer)))
})

describe("refresh", () => {
  it.effect("rotates: a new pair works and the old refresh token is dead", () =>
    Effect.gen(function*() {
      yield* setup
      const first = yield* loginTokens({ email, password })
      yield* TestClock.adjust("1 minute")
      const second = yield* refresh(first.refreshToken)
      expect(second.refreshToken).not.toBe(first.refreshToken)
      expect(second.accessToken).not.toBe(first.accessToken)
      yield* authenticateAccessToken(second.accessToken)
      const third = yield* refresh(second.refreshToken)
      yield* authenticateAccessToken(third.accessToken)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("revokes the whole session when a rotated token is presented again (reuse detection)", () =>
    Effect.gen(function*() {
      yield* setup
      const first = yield* loginTokens({ email, password })
      const second = yield* refresh(first.refreshToken)
      expect(yield* failureReason(refresh(first.refreshToken))).toBe("refresh token reused")
      // The thief's replay ended the session for the legitimate holder too: both halves are dead.
      expect(yield* failureReason(refresh(second.refreshToken))).toBe("session ended")
      expect(yield* failureReason(authenticateAccessToken(second.accessToken))).toBe("session ended")
      expect(yield* failureReason(authenticateAccessToken(first.accessToken))).toBe("session ended")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("refuses unknown tokens and tokens of an expired session", () =>
    Effect.gen(function*() {
      yield* setup
      expect(yield* failureReason(refresh("not-a-token"))).toBe("unknown refresh token")
      const tokens = yield* loginTokens({ email, password })
      yield* TestClock.adjust(TEST_SETTINGS.sessionTtl)
      expect(yield* failureReason(refresh(tokens.refreshToken))).toBe("session ended")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("keeps other sessions alive when one is revoked for reuse", () =>
    Effect.gen(function*() {
      yield* setup
      const phone = yield* loginTokens({ email, password })
      const laptop = yield* loginTokens({ email, password })
      yield* refresh(phone.refreshToken)
      yield* Effect.flip(refresh(phone.refreshToken))
      yield* authenticateAccessToken(laptop.accessToken)
      yield* refresh(laptop.refreshToken)
    }).pipe(Effect.provide(TestLayer)))
})

describe("logout", () => {
  it.effect("ends the session at once: its access and refresh tokens stop working", () =>
    Effect.gen(function*() {
      yield* setup
      const tokens = yield* loginTokens({ email, password })
      const other = yield* loginTokens({ email, password })
      yield* logout(yield* authenticateAccessToken(tokens.accessToken))
      expect(yield* failureReason(authenticateAccessToken(tokens.accessToken))).toBe("session ended")
      expect(yield* failureReason(refresh(tokens.refreshToken))).toBe("session ended")
      yield* authenticateAccessToken(other.accessToken)
    }).pipe(Effect.provide(TestLayer)))
})

describe("ensureAdmin", () => {
  it.effect("creates an admin, leaves one alone, and promotes an existing user without touching the password", () =>
    Effect.gen(function*() {
      yield* setup
      const root = Email.make("root@example.com")
      expect(yield* ensureAdmin({ email: root, password: Redacted.make("admin password 1") })).toBe("created")
      expect(yield* ensureAdmin({ email: root, password: Redacted.make("another password") })).toBe("unchanged")
      expect(yield* ensureAdmin({ email, password: Redacted.make("ignored password") })).toBe("promoted")
      const ann = Option.getOrThrow(yield* (yield* UserRepository).findByEmail(email))
      expect(ann.role).toBe("admin")
      yield* loginTokens({ email, password })
    }).pipe(Effect.provide(TestLayer)))
})
