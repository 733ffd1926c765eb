import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { generate } from "otplib"
import { lastMailTo, linkToken, loginAs, MAIL_ENV, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"
const newPassword = "a brand new passphrase"

const post = (path: string, json: unknown, token?: string) =>
  Effect.flatMap(TestServer, (server) => request(server.url(`/api/v1/auth${path}`), { method: "POST", json, ...(token ? { token } : {}) }))

/** Runs `n` attempts one after another and answers their statuses, keeping the last 429. */
const statusesOf = (n: number, attempt: Effect.Effect<{ status: number; headers: Headers }, never, TestServer>) =>
  Effect.gen(function*() {
    const statuses: Array<number> = []
    let limited: { status: number; headers: Headers } | undefined
    for (let i = 0; i < n; i++) {
      const response = yield* attempt
      statuses.push(response.status)
      if (response.status === 429) limited = response
    }
    return { statuses, limited }
  })

const expectLimitedAfter = (result: { statuses: Array<number>; limited?: { headers: Headers } | undefined }, limit: number, failure: number) => {
  expect(result.statuses.slice(0, limit)).toEqual(Array(limit).fill(failure))
  expect(result.statuses.slice(limit)).toEqual(Array(result.statuses.length - limit).fill(429))
  expect(Number(result.limited?.headers.get("retry-after"))).toBeGreaterThan(0)
}

// The default lockout (10 failures) and the re-authentication limit (10 in 15 minutes) are both in play.
layer(TestServerLive(MAIL_ENV), { timeout: "120 seconds", excludeTestServices: true })("HTTP: identity hardening (issue 13)", (it) => {
  describe("re-authentication behind a session is limited and counted toward the lockout", () => {
    it.effect("15 wrong passwords on /change-password: 403 ten times, then 429 with Retry-After; login is locked", () =>
      Effect.gen(function*() {
        const email = uniqueEmail("reauth-change")
        yield* register(email, password)
        const { access_token } = yield* loginAs(email, password)
        const result = yield* statusesOf(15, post("/change-password", { current_password: "not the password", new_password: newPassword }, access_token))
        expectLimitedAfter(result, 10, 403)
        // The ten failures reached the lockout threshold: the right password does not sign in now.
        const login = yield* post("/login", { email, password })
        expect(login.status).toBe(429)
        expect(login.body.detail).toBe("Too many failed sign-ins to this account")
        expect((yield* lastMailTo(email, "Your account was locked after failed sign-ins")).text).toContain("too many failed sign-ins")
      }))

    it.effect("15 wrong passwords and 30 wrong codes on /two-factor/disable: limited after 10, and counted", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const [byPassword, byCode] = [uniqueEmail("reauth-2fa-pw"), uniqueEmail("reauth-2fa-code")]
        const withTwoFactor = (email: string) =>
          Effect.gen(function*() {
            yield* register(email, password)
            const { access_token } = yield* loginAs(email, password)
            const { secret } = (yield* post("/two-factor/enable", { password }, access_token)).body
            const code = yield* Effect.promise(() => generate({ secret, epoch: Math.floor(Date.now() / 1000) }))
            expect((yield* post("/two-factor/confirm", { code }, access_token)).status).toBe(200)
            return access_token as string
          })

        const first = yield* withTwoFactor(byPassword)
        expectLimitedAfter(yield* statusesOf(15, post("/two-factor/disable", { password: "not the password", code: "000000" }, first)), 10, 403)
        expect((yield* post("/login", { email: byPassword, password })).status).toBe(429)

        const second = yield* withTwoFactor(byCode)
        expectLimitedAfter(yield* statusesOf(30, post("/two-factor/disable", { password, code: "000000" }, second)), 10, 422)
        expect((yield* post("/login", { email: byCode, password })).status).toBe(429)
        const log = yield* request(server.url("/api/v1/auth/audit-log?limit=100"), { token: second })
        expect(log.body.items.filter((e: any) => e.type === "reauthentication.failed")).toHaveLength(10)
      }))
  })

  describe("a password reset revokes every API key", () => {
    it.effect("a key minted before the reset answers 401 after it; the mail says how many keys were revoked", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const email = uniqueEmail("reset-keys")
        yield* register(email, password)
        const { access_token } = yield* loginAs(email, password)
        const keys: Array<string> = []
        for (const name of ["ci", "laptop", "agent"]) {
          const created = yield* post("/api-keys", { name, scopes: ["memories:read"] }, access_token)
          expect(created.status).toBe(201)
          keys.push(created.body.key)
        }
        expect((yield* request(server.url("/api/v1/auth/me"), { token: keys[0]! })).status).toBe(200)
        expect((yield* post("/forgot-password", { email })).status).toBe(202)
        const token = linkToken((yield* lastMailTo(email, "Reset your password")).text)
        expect((yield* post("/reset-password", { token, new_password: newPassword })).status).toBe(204)
        for (const key of keys) {
          expect((yield* request(server.url("/api/v1/auth/me"), { token: key })).status).toBe(401)
          expect((yield* request(server.url("/api/v1/auth/me"), { headers: { "x-api-key": key } })).status).toBe(401)
        }
        const notice = yield* lastMailTo(email, "Your password was reset")
        expect(notice.text).toContain("3 API keys were revoked")
        const fresh = yield* loginAs(email, newPassword)
        expect((yield* request(server.url("/api/v1/auth/api-keys"), { token: fresh.access_token })).body.items).toEqual([])
      }))
  })

  describe("API keys", () => {
    it.effect("a user holds at most 25 active keys: the 26th answers 409 too_many_api_keys", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const email = uniqueEmail("many-keys")
        yield* register(email, password)
        const { access_token } = yield* loginAs(email, password)
        const create = (name: string) => post("/api-keys", { name, scopes: ["projects:read"] }, access_token)
        const ids: Array<string> = []
        for (let i = 0; i < 25; i++) {
          const created = yield* create(`key ${i}`)
          expect(created.status).toBe(201)
          ids.push(created.body.id)
        }
        const refused = yield* create("key 25")
        expect(refused.status).toBe(409)
        expect(refused.body.code).toBe("too_many_api_keys")
        expect(refused.body.detail).toBe("You already hold 25 active API keys: revoke one before creating another")
        const listed = yield* request(server.url("/api/v1/auth/api-keys?limit=100"), { token: access_token })
        expect(listed.body.items).toHaveLength(25)
        expect((yield* request(server.url(`/api/v1/auth/api-keys/${ids[0]}`), { method: "DELETE", token: access_token })).status).toBe(204)
        expect((yield* create("key 26")).status).toBe(201)
      }))

    it.effect("a name with a lone surrogate or NUL answers 422 naming it, and no key is stored (nor audited)", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const email = uniqueEmail("bad-key-name")
        yield* register(email, password)
        const { access_token } = yield* loginAs(email, password)
        for (const name of ["\ud800", "ci\ud800", "a\u0000b", "\udc00x"]) {
          const refused = yield* post("/api-keys", { name, scopes: ["memories:read"] }, access_token)
          expect(refused.status).toBe(422)
          expect(refused.body.errors.map((e: any) => e.path)).toEqual(["name"])
        }
        expect((yield* request(server.url("/api/v1/auth/api-keys"), { token: access_token })).body.items).toEqual([])
        const log = yield* request(server.url("/api/v1/auth/audit-log?limit=100"), { token: access_token })
        expect(log.body.items.filter((e: any) => e.type === "api_key.created")).toEqual([])
      }))
  })

  describe("emails are Unicode-normalised; invisible and control characters are refused", () => {
    it.effect("a fullwidth \"Ａlice@Example.com\" registers as alice@example.com, and alice@example.com is then taken", () =>
      Effect.gen(function*() {
        const first = yield* register("Ａlice@Example.com", password)
        expect(first.status).toBe(201)
        expect(first.body.email).toBe("alice@example.com")
        const second = yield* register("alice@example.com", password)
        expect(second.status).toBe(409)
        expect(second.body.code).toBe("email_already_registered")
        // Login and the reset request find the account whichever form is typed.
        yield* loginAs("alice@example.com", password)
        yield* loginAs("ＡLICE@example.com", password)
      }))

    it.effect("a zero-width space, bidi control or BOM in an email answers 422 naming email", () =>
      Effect.gen(function*() {
        for (const email of ["al\u200bice@example.com", "alice@example.com\u202e", "\ufeffalice@example.com", "al\u2060ice@example.com"]) {
          const response = yield* register(email, password)
          expect(response.status).toBe(422)
          expect(response.body.detail).toContain("email")
          expect(response.body.errors).toEqual([{ path: "email", message: "email must not contain invisible or control characters" }])
        }
      }))

    it.effect("NUL in an email is 422, not 500, on register, login and forgot-password", () =>
      Effect.gen(function*() {
        const email = "a\u0000@x.io"
        const answers = [
          yield* register(email, password),
          yield* post("/login", { email, password }),
          yield* post("/forgot-password", { email })
        ]
        for (const response of answers) {
          expect(response.status).toBe(422)
          expect(response.body.errors.map((e: any) => e.path)).toEqual(["email"])
        }
      }))
  })
})
