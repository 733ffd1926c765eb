import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { MAIL_ENV, request, TestServer, TestServerLive } from "../support/http.js"
import { adminToken, marketCall, verifiedUser } from "../support/marketplace-http.js"

layer(TestServerLive(MAIL_ENV), { timeout: "90 seconds", excludeTestServices: true })("HTTP: GET /marketplace/products/{id} by caller and state", (it) => {
  it.effect("the seller reads its own product in every state (the rejection reason too); others, anonymous and admins only once approved", () =>
    Effect.gen(function*() {
      const seller = yield* verifiedUser("seller")
      const other = yield* verifiedUser("other")
      const admin = yield* adminToken
      const key = (scopes: ReadonlyArray<string>) =>
        Effect.map(Effect.flatMap(TestServer, (server) =>
          request(server.url("/api/v1/auth/api-keys"), { method: "POST", token: seller, json: { name: scopes.join(" "), scopes } })), (r) => {
          expect(r.status).toBe(201)
          return r.body.key as string
        })
      const sellerReadKey = yield* key(["marketplace:read"])
      const sellerOtherKey = yield* key(["memories:read", "marketplace:write"])

      const created = yield* marketCall("/products", {
        method: "POST",
        token: seller,
        json: { title: "Field recorder presets", description: "For rainy days.", category: "audio", price: 700, currency: "eur" }
      })
      expect(created.status).toBe(201)
      const id: string = created.body.id
      const get = (token?: string) => marketCall(`/products/${id}`, token === undefined ? {} : { token })

      /** Who sees the product now: the seller (session, then a marketplace:read key) sees `status`; the rest see it only when `public`. */
      const expectVisibility = (status: string, isPublic: boolean, reason: string | null = null) =>
        Effect.gen(function*() {
          for (const token of [seller, sellerReadKey]) {
            const own = yield* get(token)
            expect([own.status, own.body.status, own.body.rejection_reason], `${status}: seller`).toEqual([200, status, reason])
          }
          for (const [who, token] of [["other user", other], ["anonymous", undefined], ["admin", admin], ["seller key without marketplace:read", sellerOtherKey]] as const) {
            const seen = yield* get(token)
            expect(seen.status, `${status}: ${who}`).toBe(isPublic ? 200 : 404)
            if (!isPublic) expect(seen.body.detail).toBe("Product not found")
          }
        })

      yield* expectVisibility("draft", false)
      yield* marketCall(`/products/${id}/files?filename=presets.zip`, { method: "POST", token: seller, body: "PK", headers: { "content-type": "application/zip" } })
      expect((yield* marketCall(`/products/${id}/submit`, { method: "POST", token: seller })).body.status).toBe("pending_review")
      yield* expectVisibility("pending_review", false)
      const reason = "Describe what the presets sound like"
      expect((yield* marketCall(`/admin/products/${id}/reject`, { method: "POST", token: admin, json: { reason } })).body.status).toBe("rejected")
      yield* expectVisibility("rejected", false, reason)
      yield* marketCall(`/products/${id}/submit`, { method: "POST", token: seller })
      expect((yield* marketCall(`/admin/products/${id}/approve`, { method: "POST", token: admin })).body.status).toBe("approved")
      yield* expectVisibility("approved", true)
      expect((yield* marketCall(`/products/${id}`, { method: "DELETE", token: seller })).body.status).toBe("archived")
      yield* expectVisibility("archived", false)

      // A credential that is sent must hold, even on this open endpoint.
      const bad = yield* get("not-a-valid-token")
      expect(bad.status).toBe(401)
      // A missing product answers as a hidden one, whoever asks.
      expect((yield* marketCall(`/products/${crypto.randomUUID()}`, { token: seller })).status).toBe(404)
    }))
})
