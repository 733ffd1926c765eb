import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { generate } from "otplib"
import { lastMailTo, loginAs, MAIL_ENV, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"
// Real time here (a real server): a code for the current 30 s step, or a neighbouring one.
const codeFor = (secret: string, steps = 0) =>
  Effect.promise(() => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 }))

layer(TestServerLive(MAIL_ENV), { timeout: "60 seconds", excludeTestServices: true })("HTTP: two-factor", (it) => {
  it.effect("the full flow: enable, confirm, login needs the second step, verify with a code and a recovery code, disable", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("tfa")
      yield* register(email, password)
      const { access_token } = yield* loginAs(email, password)
      const post = (path: string, json: unknown, token?: string) =>
        request(server.url(`/api/v1/auth${path}`), { method: "POST", json, ...(token ? { token } : {}) })

      const wrongPassword = yield* post("/two-factor/enable", { password: "nope nope nope" }, access_token)
      expect(wrongPassword.status).toBe(403)
      const enabled = yield* post("/two-factor/enable", { password }, access_token)
      expect(enabled.status).toBe(200)
      const secret: string = enabled.body.secret
      expect(enabled.body.otpauth_url).toContain(`secret=${secret}`)

      expect((yield* post("/two-factor/confirm", { code: "12345" }, access_token)).status).toBe(422)
      const badConfirm = yield* post("/two-factor/confirm", { code: "000000" }, access_token)
      expect(badConfirm.status).toBe(422)
      expect(badConfirm.body.errors[0].path).toBe("code")
      const confirmed = yield* post("/two-factor/confirm", { code: yield* codeFor(secret) }, access_token)
      expect(confirmed.status).toBe(200)
      const recoveryCodes: Array<string> = confirmed.body.recovery_codes
      expect(recoveryCodes).toHaveLength(10)
      expect((yield* lastMailTo(email, "Two-factor authentication is on")).text).toContain("turned on")

      // The password alone gives a challenge, never tokens.
      const first = yield* post("/login", { email, password })
      expect(first.status).toBe(200)
      expect(first.body).toEqual({ two_factor_required: true, challenge_token: expect.any(String) })
      expect(first.body.access_token).toBeUndefined()

      const neither = yield* post("/two-factor/verify", { challenge_token: first.body.challenge_token })
      expect(neither.status).toBe(422)
      const wrongCode = yield* post("/two-factor/verify", { challenge_token: first.body.challenge_token, code: "000000" })
      expect(wrongCode.status).toBe(401)
      // The confirm spent the current step: the next step's code (one step of drift) completes the login.
      const nextCode = yield* codeFor(secret, 1)
      const verified = yield* post("/two-factor/verify", { challenge_token: first.body.challenge_token, code: nextCode })
      expect(verified.status).toBe(200)
      expect(verified.body.token_type).toBe("bearer")
      expect((yield* request(server.url("/api/v1/auth/me"), { token: verified.body.access_token })).status).toBe(200)

      const second = yield* post("/login", { email, password })
      const replay = yield* post("/two-factor/verify", { challenge_token: second.body.challenge_token, code: nextCode })
      expect(replay.status).toBe(401)
      const byRecovery = yield* post("/two-factor/verify", { challenge_token: second.body.challenge_token, recovery_code: recoveryCodes[0] })
      expect(byRecovery.status).toBe(200)
      expect((yield* lastMailTo(email, "A recovery code was used")).text).toContain("9 unused codes remain")
      const third = yield* post("/login", { email, password })
      expect((yield* post("/two-factor/verify", { challenge_token: third.body.challenge_token, recovery_code: recoveryCodes[0] })).status).toBe(401)

      const token = byRecovery.body.access_token
      expect((yield* post("/two-factor/disable", { password, code: "000000" }, token)).status).toBe(422)
      expect((yield* post("/two-factor/disable", { password, code: recoveryCodes[1] }, token)).status).toBe(204)
      const plain = yield* post("/login", { email, password })
      expect(plain.body.token_type).toBe("bearer")
      const log = yield* request(server.url("/api/v1/auth/audit-log?limit=100"), { token: plain.body.access_token })
      expect(log.body.items.map((e: any) => e.type)).toEqual(
        expect.arrayContaining(["two_factor.enabled", "two_factor.disabled", "recovery_code.used"])
      )
    }))

  it.effect("a challenge token is refused for anything but verify, and an unknown one is 401", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const unknown = yield* request(server.url("/api/v1/auth/two-factor/verify"), {
        method: "POST",
        json: { challenge_token: "made-up", code: "123456" }
      })
      expect(unknown.status).toBe(401)
      expect(unknown.body.detail).toBe("Not authenticated: invalid or expired two-factor challenge")
      expect((yield* request(server.url("/api/v1/auth/me"), { token: "made-up" })).status).toBe(401)
    }))
})
