import { expect, layer } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { ADMIN, lastMailTo, linkToken, loginAs, MAIL_ENV, request, TestServer, TestServerLive } from "../support/http.js"

const admin = ADMIN
const password = "correct horse battery staple"
const loginToken = (email: string, pw: string) => Effect.map(loginAs(email, pw), (t) => t.access_token)

layer(
  TestServerLive(MAIL_ENV),
  { timeout: "60 seconds", excludeTestServices: true }
)("HTTP: mail and email verification", (it) => {
  it.effect("register mails a link; verify-email confirms the address once", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = `verify-${crypto.randomUUID().slice(0, 8)}@example.com`
      expect((yield* request(server.url("/api/v1/auth/register"), { method: "POST", json: { email, password, name: "Vera" } })).status).toBe(201)
      const mail = yield* lastMailTo(email)
      expect(mail.subject).toBe("Confirm your email address")
      expect(mail.text).toMatch(/https:\/\/app\.example\.com\/verify-email\?token=/)
      expect(mail.html).toContain("<a href=\"https://app.example.com/verify-email?token=")
      const token = linkToken(mail.text)

      const verified = yield* request(server.url("/api/v1/auth/verify-email"), { method: "POST", json: { token } })
      expect(verified.status).toBe(204)
      const me = yield* request(server.url("/api/v1/auth/me"), { token: yield* loginToken(email, password) })
      expect(me.body.email_verified).toBe(true)

      const again = yield* request(server.url("/api/v1/auth/verify-email"), { method: "POST", json: { token } })
      expect(again.status).toBe(400)
      expect(again.body.detail).toBe("The link is invalid, was already used, or has expired")
      const resend = yield* request(server.url("/api/v1/auth/resend-verification"), {
        method: "POST",
        token: yield* loginToken(email, password)
      })
      expect(resend.status).toBe(409)
    }))

  it.effect("resend-verification mails a new link and voids the old one", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = `resend-${crypto.randomUUID().slice(0, 8)}@example.com`
      yield* request(server.url("/api/v1/auth/register"), { method: "POST", json: { email, password, name: "Res" } })
      const first = linkToken((yield* lastMailTo(email)).text)
      const token = yield* loginToken(email, password)
      const resent = yield* request(server.url("/api/v1/auth/resend-verification"), { method: "POST", token })
      expect(resent.status).toBe(202)
      expect(resent.body.detail).toBe("A new verification link is on its way")
      const second = yield* lastMailTo(email).pipe(
        Effect.map((m) => linkToken(m.text)),
        Effect.filterOrFail((t) => t !== first),
        Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo({ duration: "10 seconds" })))
      )
      expect((yield* request(server.url("/api/v1/auth/verify-email"), { method: "POST", json: { token: first } })).status).toBe(400)
      expect((yield* request(server.url("/api/v1/auth/verify-email"), { method: "POST", json: { token: second } })).status).toBe(204)
      expect((yield* request(server.url("/api/v1/auth/resend-verification"), { method: "POST" })).status).toBe(401)
    }))

  it.effect("the outbox answers admins only, paginated", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = `plain-${crypto.randomUUID().slice(0, 8)}@example.com`
      yield* request(server.url("/api/v1/auth/register"), { method: "POST", json: { email, password, name: "Plain" } })
      const userToken = yield* loginToken(email, password)
      const forbidden = yield* request(server.url("/api/v1/admin/outbox"), { token: userToken })
      expect(forbidden.status).toBe(403)
      expect(forbidden.body.detail).toBe("Only administrators may read the outbox")
      expect((yield* request(server.url("/api/v1/admin/outbox"))).status).toBe(401)

      const adminToken = yield* loginToken(admin.email, admin.password)
      const page1 = yield* request(server.url("/api/v1/admin/outbox?limit=1"), { token: adminToken })
      expect(page1.status).toBe(200)
      expect(page1.body.items).toHaveLength(1)
      expect(typeof page1.body.next_cursor).toBe("string")
      const page2 = yield* request(server.url(`/api/v1/admin/outbox?limit=1&cursor=${page1.body.next_cursor}`), { token: adminToken })
      expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id)
      for (const bad of ["limit=0", "limit=101", "limit=abc"]) {
        const response = yield* request(server.url(`/api/v1/admin/outbox?${bad}`), { token: adminToken })
        expect(response.status).toBe(422)
        expect(response.body.errors).toEqual([{ path: "limit", message: expect.any(String) }])
      }
      expect((yield* request(server.url("/api/v1/admin/outbox?cursor=nonsense"), { token: adminToken })).status).toBe(400)
    }))
})
