import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { lastMailTo, linkToken, loginAs, MAIL_ENV, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"

/** Fixed one-minute windows: start a counting test early in a minute, so no window ends in its middle. */
const awayFromMinuteEdge = Effect.promise(async () => {
  const intoMinute = Date.now() % 60_000
  if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 200))
})

layer(
  TestServerLive({ ...MAIL_ENV, RATE_LIMIT_API_PER_MINUTE: "5", RATE_LIMIT_LOGIN_PER_MINUTE: "1000", LOCKOUT_THRESHOLD: "3" }),
  { timeout: "90 seconds", excludeTestServices: true }
)("HTTP: rate limits", (it) => {
  it.effect("the whole API is limited per user: 429 with Retry-After and a detail", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("busy")
      yield* register(email, password)
      yield* awayFromMinuteEdge
      const { access_token } = yield* loginAs(email, password)
      const statuses: Array<number> = []
      let limited: any
      for (let i = 0; i < 6; i++) {
        const response = yield* request(server.url("/api/v1/auth/me"), { token: access_token })
        statuses.push(response.status)
        if (response.status === 429) limited = response
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0)
      expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60)
      expect(limited.body).toMatchObject({ code: "rate_limited", detail: "Too many requests", retry_after_seconds: expect.any(Number) })
      expect(limited.headers.get("x-request-id")).toBeTruthy()
    }))

  it.effect("the limit is per user, shared by all of its API keys and its sessions (minting keys buys nothing)", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("many-keys")
      yield* register(email, password)
      yield* awayFromMinuteEdge
      const { access_token } = yield* loginAs(email, password)
      const keys: Array<string> = []
      for (const name of ["one", "two"]) {
        const created = yield* request(server.url("/api/v1/auth/api-keys"), { method: "POST", token: access_token, json: { name, scopes: ["memories:read"] } })
        expect(created.status).toBe(201)
        keys.push(created.body.key)
      }
      // Two requests spent minting; three more, one from each credential, reach the user's 5.
      const me = (token: string) => Effect.map(request(server.url("/api/v1/auth/me"), { token }), (r) => r.status)
      expect([yield* me(keys[0]!), yield* me(keys[1]!), yield* me(access_token)]).toEqual([200, 200, 200])
      expect([yield* me(keys[0]!), yield* me(keys[1]!), yield* me(access_token)]).toEqual([429, 429, 429])
    }))

  it.effect("repeated failed sign-ins lock the account (429), the mailed link unlocks it", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("locked")
      yield* register(email, password)
      yield* awayFromMinuteEdge
      const attempt = (pw: string) => request(server.url("/api/v1/auth/login"), { method: "POST", json: { email, password: pw } })
      for (let i = 0; i < 3; i++) expect((yield* attempt("wrong password!")).status).toBe(401)
      const locked = yield* attempt(password)
      expect(locked.status).toBe(429)
      expect(locked.body.detail).toBe("Too many failed sign-ins to this account")
      expect(locked.headers.get("retry-after")).toBeTruthy()
      const token = linkToken((yield* lastMailTo(email, "Your account was locked after failed sign-ins")).text)
      expect((yield* request(server.url("/api/v1/auth/unlock"), { method: "POST", json: { token } })).status).toBe(204)
      expect((yield* attempt(password)).status).toBe(200)
      expect((yield* request(server.url("/api/v1/auth/unlock"), { method: "POST", json: { token } })).status).toBe(400)
    }))
})
