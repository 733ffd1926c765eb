import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { lastMailTo, linkToken, loginAs, MAIL_ENV, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"
const newPassword = "a brand new passphrase"

layer(TestServerLive(MAIL_ENV), { timeout: "60 seconds", excludeTestServices: true })("HTTP: password and sessions", (it) => {
  describe("forgot and reset password", () => {
    it.effect("answers 202 with one body whether the email exists or not; the link resets once and ends sessions", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const email = uniqueEmail("reset")
        yield* register(email, password)
        const before = yield* loginAs(email, password)
        const known = yield* request(server.url("/api/v1/auth/forgot-password"), { method: "POST", json: { email } })
        const unknown = yield* request(server.url("/api/v1/auth/forgot-password"), { method: "POST", json: { email: uniqueEmail("ghost") } })
        expect(known.status).toBe(202)
        expect(unknown.status).toBe(202)
        expect(known.body).toEqual(unknown.body)

        const token = linkToken((yield* lastMailTo(email, "Reset your password")).text)
        const weak = yield* request(server.url("/api/v1/auth/reset-password"), { method: "POST", json: { token, new_password: "short" } })
        expect(weak.status).toBe(422)
        expect(weak.body.errors).toEqual([{ path: "new_password", message: "password must be at least 8 characters" }])
        const reset = yield* request(server.url("/api/v1/auth/reset-password"), { method: "POST", json: { token, new_password: newPassword } })
        expect(reset.status).toBe(204)
        const again = yield* request(server.url("/api/v1/auth/reset-password"), { method: "POST", json: { token, new_password: newPassword } })
        expect(again.status).toBe(400)
        expect((yield* request(server.url("/api/v1/auth/me"), { token: before.access_token })).status).toBe(401)
        const refreshed = yield* request(server.url("/api/v1/auth/refresh"), { method: "POST", json: { refresh_token: before.refresh_token } })
        expect(refreshed.status).toBe(401)
        yield* loginAs(email, newPassword)
        expect((yield* request(server.url("/api/v1/auth/login"), { method: "POST", json: { email, password } })).status).toBe(401)
      }))
  })

  describe("change password", () => {
    it.effect("needs the current password (403 otherwise) and signs out the other sessions only", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const email = uniqueEmail("change")
        yield* register(email, password)
        const other = yield* loginAs(email, password)
        const current = yield* loginAs(email, password)
        const change = (current_password: string, new_password: string) =>
          request(server.url("/api/v1/auth/change-password"), { method: "POST", token: current.access_token, json: { current_password, new_password } })
        const wrong = yield* change("not the password", newPassword)
        expect(wrong.status).toBe(403)
        expect(wrong.body.detail).toBe("The password is incorrect")
        expect((yield* change(password, email)).status).toBe(422)
        expect((yield* change(password, newPassword)).status).toBe(204)
        expect((yield* request(server.url("/api/v1/auth/me"), { token: current.access_token })).status).toBe(200)
        expect((yield* request(server.url("/api/v1/auth/me"), { token: other.access_token })).status).toBe(401)
        const notice = yield* lastMailTo(email, "Your password was changed")
        expect(notice.text).toContain("other sessions were signed out")
      }))
  })

  describe("sessions", () => {
    it.effect("lists own sessions with the current one marked; revokes one, or all others", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const email = uniqueEmail("sessions")
        yield* register(email, password)
        const first = yield* loginAs(email, password)
        yield* loginAs(email, password)
        const current = yield* loginAs(email, password)
        const list = yield* request(server.url("/api/v1/auth/sessions"), { token: current.access_token, headers: { "user-agent": "agent-x" } })
        expect(list.status).toBe(200)
        expect(list.body.items).toHaveLength(3)
        expect(list.body.next_cursor).toBeNull()
        expect(list.body.items.filter((s: any) => s.current)).toHaveLength(1)
        expect(list.body.items[0]).toMatchObject({ current: true, ip: expect.stringMatching(/127\.0\.0\.1/) })

        const firstId = list.body.items.find((s: any) => !s.current).id
        expect((yield* request(server.url(`/api/v1/auth/sessions/${firstId}`), { method: "DELETE", token: current.access_token })).status).toBe(204)
        expect((yield* request(server.url(`/api/v1/auth/sessions/${firstId}`), { method: "DELETE", token: current.access_token })).status).toBe(204)
        const missing = yield* request(server.url(`/api/v1/auth/sessions/${crypto.randomUUID()}`), { method: "DELETE", token: current.access_token })
        expect(missing.status).toBe(404)
        expect((yield* request(server.url("/api/v1/auth/sessions/not-a-uuid"), { method: "DELETE", token: current.access_token })).status).toBe(422)

        const others = yield* request(server.url("/api/v1/auth/sessions"), { method: "DELETE", token: current.access_token })
        expect(others.status).toBe(200)
        expect(others.body.revoked).toBe(1)
        expect((yield* request(server.url("/api/v1/auth/me"), { token: current.access_token })).status).toBe(200)
        expect((yield* request(server.url("/api/v1/auth/me"), { token: first.access_token })).status).toBe(401)
        const after = yield* request(server.url("/api/v1/auth/sessions"), { token: current.access_token })
        expect(after.body.items).toHaveLength(1)
      }))

    it.effect("another user's session answers 404, and is left alone", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const [ann, bob] = [uniqueEmail("ann"), uniqueEmail("bob")]
        yield* register(ann, password)
        yield* register(bob, password)
        const annTokens = yield* loginAs(ann, password)
        const bobTokens = yield* loginAs(bob, password)
        const bobSession = (yield* request(server.url("/api/v1/auth/sessions"), { token: bobTokens.access_token })).body.items[0].id
        const attempt = yield* request(server.url(`/api/v1/auth/sessions/${bobSession}`), { method: "DELETE", token: annTokens.access_token })
        expect(attempt.status).toBe(404)
        expect((yield* request(server.url("/api/v1/auth/me"), { token: bobTokens.access_token })).status).toBe(200)
      }))
  })

  describe("audit log", () => {
    it.effect("lists the caller's security events, newest first", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const email = uniqueEmail("audit")
        yield* register(email, password)
        yield* request(server.url("/api/v1/auth/login"), { method: "POST", json: { email, password: "wrong password!" } })
        const tokens = yield* loginAs(email, password)
        yield* request(server.url("/api/v1/auth/sessions"), { method: "DELETE", token: tokens.access_token })
        const log = yield* request(server.url("/api/v1/auth/audit-log?limit=2"), { token: tokens.access_token })
        expect(log.status).toBe(200)
        expect(log.body.items.map((e: any) => e.type)).toEqual(["login.succeeded", "login.failed"])
        expect(log.body.items[0].ip).toMatch(/127\.0\.0\.1/)
        expect(log.body.next_cursor).toBeNull()
      }))
  })
})
