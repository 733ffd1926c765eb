import { describe, expect, it } from "@effect/vitest"
import { DateTime, Option, Result, Schema } from "effect"
import { checkPasswordPolicy } from "../../domain/identity/password-policy.js"
import { isActive, needsTouch, Session } from "../../domain/identity/session.js"
import { Email } from "../../domain/identity/user.js"
import { at, makeSession, makeUser, T0 } from "../support/fixtures.js"

const decodeEmail = Schema.decodeUnknownResult(Email)

describe("Email", () => {
  it("is trimmed and lower-cased, so one address is one account", () => {
    expect(decodeEmail("  Ann.Lee@Example.COM ")).toEqual(Result.succeed("ann.lee@example.com"))
  })

  it.each(["", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", `${"a".repeat(250)}@example.com`])(
    "refuses %j",
    (input) => {
      expect(Result.isFailure(decodeEmail(input))).toBe(true)
    }
  )
})

describe("Email, Unicode (issue 13)", () => {
  it("is NFKC-normalised before it is lower-cased: fullwidth and compatibility forms are one account", () => {
    expect(decodeEmail("Ａlice@Example.com")).toEqual(Result.succeed("alice@example.com"))
    expect(decodeEmail("ﬁona@example.com")).toEqual(Result.succeed("fiona@example.com"))
  })

  it.each([
    "al\u200bice@example.com", "al\u200cice@example.com", "al\u200dice@example.com", "al\u2060ice@example.com",
    "\ufeffalice@example.com", "alice@example.com\u202e", "\u202aalice@example.com", "al\u2066ice@example.com",
    "al\u2069ice@example.com", "al\u200eice@example.com", "al\u200fice@example.com", "a\u0000@x.io", "a\u0007@x.io",
    "a\ud800@x.io"
  ])("refuses invisible, control and broken characters: %j", (input) => {
    const decoded = decodeEmail(input)
    expect(Result.isFailure(decoded)).toBe(true)
    expect(String(Result.isFailure(decoded) && decoded.failure)).toContain("email must not contain invisible or control characters")
  })
})

describe("password policy", () => {
  const email = "ann@example.com"
  const reason = (password: string) =>
    Result.match(checkPasswordPolicy(password, email), { onFailure: (e) => e.reason, onSuccess: () => "ok" })

  it("accepts 8 to 128 characters", () => {
    expect(reason("12345678")).toBe("ok")
    expect(reason("x".repeat(128))).toBe("ok")
  })

  it("refuses fewer than 8 and more than 128, counting characters rather than bytes", () => {
    expect(reason("1234567")).toBe("password must be at least 8 characters")
    expect(reason("x".repeat(129))).toBe("password must be at most 128 characters")
    // Eight emoji are 8 characters though 32 bytes in UTF-8 and 16 UTF-16 code units.
    expect(reason("😀".repeat(8))).toBe("ok")
    expect(reason("😀".repeat(7))).toBe("password must be at least 8 characters")
  })

  it("refuses the email address itself, in any case or padding", () => {
    expect(reason("ANN@example.com")).toBe("password must not be the same as the email address")
    expect(reason(" ann@example.com ")).toBe("password must not be the same as the email address")
  })
})

describe("session", () => {
  const session = makeSession(makeUser())

  it("is active until it expires or is revoked", () => {
    expect(isActive(session, T0)).toBe(true)
    expect(isActive(session, DateTime.subtract(session.expiresAt, { milliseconds: 1 }))).toBe(true)
    expect(isActive(session, session.expiresAt)).toBe(false)
    expect(isActive(new Session({ ...session, revokedAt: Option.some(T0) }), T0)).toBe(false)
  })

  it("records last use at most once a minute", () => {
    expect(needsTouch(session, at("59 seconds"))).toBe(false)
    expect(needsTouch(session, at("60 seconds"))).toBe(true)
  })
})
