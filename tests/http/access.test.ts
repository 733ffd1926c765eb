import { HttpApi, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Access, type AccessRule } from "../../adapters/http/access.js"
import { accessRules } from "../../adapters/http/auth-middleware.js"
import { Authentication } from "../../adapters/http/current-actor.js"
import { ALL_SCOPES } from "../../domain/identity/actor.js"
import { loginAs, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"
const rules = [...accessRules().entries()].map(([route, rule]) => {
  const [method, path] = route.split(" ") as [string, string]
  return { method, path, rule }
})

describe("access rules", () => {
  it("every authenticated endpoint declares one (startup refuses an endpoint that forgets)", () => {
    const forgetful = HttpApi.make("toy").add(
      HttpApiGroup.make("g").add(HttpApiEndpoint.get("open", "/forgot", { success: Schema.String }).middleware(Authentication))
    )
    expect(() => accessRules(forgetful)).toThrow("authenticated endpoints without an access rule: GET /forgot")
    const declared = HttpApi.make("toy").add(
      HttpApiGroup.make("g").add(
        HttpApiEndpoint.get("open", "/declared", { success: Schema.String }).middleware(Authentication).annotate(Access, Access.session)
      )
    )
    expect([...accessRules(declared).keys()]).toEqual(["GET /declared"])
    expect(rules.length).toBeGreaterThanOrEqual(15)
  })
})

/** A key with every scope but the one the rule asks for (all of them, for rules that ask none). */
const scopesMissing = (rule: AccessRule) => ALL_SCOPES.filter((s) => rule._tag !== "Scope" || s !== rule.scope)

layer(TestServerLive(), { timeout: "60 seconds", excludeTestServices: true })("HTTP: access enforcement", (it) => {
  it.effect("every authenticated endpoint refuses an API key that lacks what its rule asks, and lets through one that has it", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("scopes")
      yield* register(email, password)
      const { access_token } = yield* loginAs(email, password)
      // A user holds at most 25 active keys (issue 13): the keys of each endpoint are revoked after it.
      const minted: Array<string> = []
      const keyFor = (scopes: ReadonlyArray<string>) =>
        Effect.map(
          request(server.url("/api/v1/auth/api-keys"), { method: "POST", token: access_token, json: { name: "t", scopes } }),
          (r) => {
            minted.push(r.body.id)
            return r.body.key as string
          }
        )
      const revokeMinted = Effect.suspend(() =>
        Effect.forEach(minted.splice(0), (id) =>
          request(server.url(`/api/v1/auth/api-keys/${id}`), { method: "DELETE", token: access_token }), { discard: true }))
      for (const { method, path, rule } of rules) {
        yield* revokeMinted
        const url = server.url(path.replace(/:(\w+)/g, () => crypto.randomUUID()))
        const key = yield* keyFor(scopesMissing(rule))
        const withKey = yield* request(url, { method, token: key, ...(method === "GET" || method === "DELETE" ? {} : { json: {} }) })
        if (rule._tag === "Authenticated") {
          expect([401, 403], `${method} ${path} (${rule._tag})`).not.toContain(withKey.status)
        } else {
          expect(withKey.status, `${method} ${path} (${rule._tag})`).toBe(403)
          expect(withKey.body.detail).toMatch(/API key/)
        }
        if (rule._tag === "Scope") {
          const allowed = yield* request(url, { method, token: yield* keyFor([rule.scope]) })
          // Past the key check; an admin-only use-case may still refuse this non-admin user, for its own reason.
          expect(allowed.status, `${method} ${path} with ${rule.scope}`).not.toBe(401)
          if (allowed.status === 403) expect(allowed.body.detail, `${method} ${path} with ${rule.scope}`).not.toMatch(/API key/)
        }
        // No credentials at all: 401 everywhere.
        expect((yield* request(url, { method })).status, `${method} ${path} anonymous`).toBe(401)
      }
    }))

  it.effect("an API key works as Bearer or X-API-Key, never mints keys, and dies when revoked", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("keys")
      yield* register(email, password)
      const { access_token } = yield* loginAs(email, password)
      const created = yield* request(server.url("/api/v1/auth/api-keys"), {
        method: "POST",
        token: access_token,
        json: { name: "deploy bot", scopes: ["projects:read", "memories:write"] }
      })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ name: "deploy bot", scopes: ["projects:read", "memories:write"], expires_at: null, last_used_at: null })
      const key: string = created.body.key
      expect(key.startsWith(created.body.prefix)).toBe(true)

      expect((yield* request(server.url("/api/v1/auth/me"), { token: key })).body.email).toBe(email)
      expect((yield* request(server.url("/api/v1/auth/me"), { headers: { "x-api-key": key } })).body.email).toBe(email)
      const mint = yield* request(server.url("/api/v1/auth/api-keys"), { method: "POST", token: key, json: { name: "x", scopes: ["projects:read"] } })
      expect(mint.status).toBe(403)

      // The last use is written by a background batch (every few seconds), not by the request.
      const list = request(server.url("/api/v1/auth/api-keys"), { token: access_token })
      let listed = yield* list
      for (let tries = 0; listed.body.items[0]?.last_used_at === null && tries < 150; tries++) {
        yield* Effect.sleep("200 millis")
        listed = yield* list
      }
      expect(listed.body.items).toHaveLength(1)
      expect(listed.body.items[0].key).toBeUndefined()
      expect(listed.body.items[0].last_used_at).not.toBeNull()

      const invalid = yield* request(server.url("/api/v1/auth/api-keys"), {
        method: "POST",
        token: access_token,
        json: { name: "", scopes: ["everything"], expires_at: "2001-01-01T00:00:00Z" }
      })
      expect(invalid.status).toBe(422)
      expect(invalid.body.errors.map((e: any) => e.path).sort()).toEqual(["name", "scopes.0"])
      const past = yield* request(server.url("/api/v1/auth/api-keys"), {
        method: "POST",
        token: access_token,
        json: { name: "old", scopes: ["projects:read"], expires_at: "2001-01-01T00:00:00Z" }
      })
      expect(past.status).toBe(422)
      expect(past.body.errors).toEqual([{ path: "expires_at", message: "expires_at must be in the future" }])

      expect((yield* request(server.url(`/api/v1/auth/api-keys/${created.body.id}`), { method: "DELETE", token: access_token })).status).toBe(204)
      expect((yield* request(server.url("/api/v1/auth/me"), { token: key })).status).toBe(401)
      expect((yield* request(server.url(`/api/v1/auth/api-keys/${created.body.id}`), { method: "DELETE", token: access_token })).status).toBe(404)
    }))
})
