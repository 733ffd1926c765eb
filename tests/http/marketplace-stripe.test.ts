import { afterAll, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { MAIL_ENV, request, TestServer, TestServerLive } from "../support/http.js"
import { signedEvent, startFakeStripe, STRIPE_TEST_KEY, STRIPE_WEBHOOK_SECRET, stripeObjects } from "../support/fake-stripe.js"
import { adminToken, approvedProduct, deliverWebhook, marketUrl, verifiedUser } from "../support/marketplace-http.js"

const stripe = await startFakeStripe()
afterAll(() => stripe.close())

const STRIPE_ENV = { ...MAIL_ENV, STRIPE_SECRET_KEY: STRIPE_TEST_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_URL: stripe.url }

const webhook = deliverWebhook

layer(TestServerLive(STRIPE_ENV), { timeout: "90 seconds", excludeTestServices: true })("HTTP: purchases through Stripe", (it) => {
  it.effect("purchase → checkout_url; the signed webhook pays it once; download and license; admin refund through Stripe revokes", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const seller = yield* verifiedUser("seller")
      const buyer = yield* verifiedUser("buyer")
      const admin = yield* adminToken
      const productId = yield* approvedProduct(seller, { price: 4900, currency: "usd" })

      const order = yield* request(yield* marketUrl(`/products/${productId}/purchase`), { method: "POST", token: buyer })
      expect(order.status).toBe(201)
      expect(order.body).toMatchObject({ status: "pending", provider: "stripe", amount: 4900, currency: "usd" })
      expect(order.body.checkout_url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/)
      const sent = stripe.requests.findLast((r) => r.path === "/v1/checkout/sessions")!
      // The price Stripe is asked for is the product's, from our database.
      expect(sent.form).toMatchObject({ client_reference_id: order.body.id, "line_items[0][price_data][unit_amount]": "4900", "line_items[0][price_data][currency]": "usd" })
      const session = order.body.checkout_url.split("/").at(-1)
      const objects = stripeObjects(order.body.id, session, 4900)

      // Bad deliveries: no signature, a wrong one, a changed body.
      const paid = signedEvent("checkout.session.completed", objects.completed)
      const missing = yield* webhook(paid, {})
      expect([missing.status, missing.body.detail]).toEqual([400, "Webhook rejected: the Stripe-Signature header is missing"])
      const forged = yield* webhook(signedEvent("checkout.session.completed", objects.completed, { secret: "whsec_attacker" }))
      expect(forged.status).toBe(400)
      expect(forged.body.detail).toMatch(/^Webhook rejected: /)
      const changed = yield* webhook({ payload: paid.payload.replace("4900", "4901"), signature: paid.signature })
      expect(changed.status).toBe(400)
      expect((yield* request(yield* marketUrl(`/orders/${order.body.id}`), { token: buyer })).body.status).toBe("pending")

      // The real delivery, three times: applied once.
      expect((yield* webhook(paid)).body).toEqual({ received: true, applied: true })
      expect((yield* webhook(paid)).body).toEqual({ received: true, applied: false })
      expect((yield* webhook(paid)).status).toBe(200)
      expect((yield* request(yield* marketUrl(`/orders/${order.body.id}`), { token: buyer })).body.status).toBe("paid")
      const link = yield* request(yield* marketUrl(`/orders/${order.body.id}/download`), { token: buyer })
      const url = new URL(link.body.url)
      expect(yield* Effect.promise(() => fetch(server.url(`${url.pathname}${url.search}`)).then((r) => r.text()))).toBe("PK fake zip")
      const licenses = (yield* request(yield* marketUrl("/licenses"), { token: buyer })).body.items
      expect(licenses.map((l: any) => [l.order_id, l.status])).toEqual([[order.body.id, "active"]])

      // Unknown event types are acknowledged.
      expect((yield* webhook(signedEvent("customer.created", { id: "cus_1", object: "customer" }))).body).toEqual({ received: true, applied: false })

      // Refund: admin only, through Stripe (one refund call), then Stripe's own charge.refunded changes nothing more.
      expect((yield* request(yield* marketUrl(`/admin/orders/${order.body.id}/refund`), { method: "POST", token: buyer })).status).toBe(403)
      const refunded = yield* request(yield* marketUrl(`/admin/orders/${order.body.id}/refund`), { method: "POST", token: admin })
      expect([refunded.status, refunded.body.status]).toEqual([200, "refunded"])
      expect((yield* request(yield* marketUrl(`/admin/orders/${order.body.id}/refund`), { method: "POST", token: admin })).body.status).toBe("refunded")
      expect(stripe.requests.filter((r) => r.path === "/v1/refunds" && r.form["metadata[order_id]"] === order.body.id)).toHaveLength(1)
      expect((yield* webhook(signedEvent("charge.refunded", objects.refunded))).status).toBe(200)
      expect((yield* request(yield* marketUrl(`/orders/${order.body.id}/download`), { token: buyer })).status).toBe(403)
      // The link handed out before the refund, still inside its 15 minutes, no longer serves the file.
      const stale = yield* Effect.promise(() => fetch(server.url(`${url.pathname}${url.search}`)).then(async (r) => ({ status: r.status, text: await r.text() })))
      expect(stale.status).toBe(404)
      expect(stale.text).not.toContain("PK fake zip")
      expect((yield* request(yield* marketUrl("/licenses"), { token: buyer })).body.items.map((l: any) => l.status)).toEqual(["revoked"])
      expect((yield* request(yield* marketUrl(`/products/${productId}`))).body.sales_count).toBe(0)
    }))

  it.effect("Stripe down at purchase: 503 with a clear detail, and buying again retries the same checkout", () =>
    Effect.gen(function*() {
      const seller = yield* verifiedUser("seller")
      const buyer = yield* verifiedUser("buyer")
      const productId = yield* approvedProduct(seller)
      stripe.state.failNext = 3
      const down = yield* request(yield* marketUrl(`/products/${productId}/purchase`), { method: "POST", token: buyer })
      expect(down.status).toBe(503)
      expect(down.body.detail).toMatch(/^The payment provider could not be reached or refused the request; retry later/)
      const retried = yield* request(yield* marketUrl(`/products/${productId}/purchase`), { method: "POST", token: buyer })
      expect(retried.status).toBe(201)
      expect(retried.body.checkout_url).toMatch(/^https:\/\/checkout\.stripe\.test\//)
      const keys = stripe.requests.filter((r) => r.path === "/v1/checkout/sessions" && r.form["client_reference_id"] === retried.body.id).map((r) => r.headers["idempotency-key"])
      expect(keys.length).toBe(4)
      expect(new Set(keys)).toEqual(new Set([`brainops-checkout-${retried.body.id}`]))
      const mark = yield* request(yield* marketUrl(`/admin/orders/${retried.body.id}/mark-paid`), { method: "POST", token: yield* adminToken })
      expect([mark.status, mark.body.detail]).toEqual([409, "Cannot mark paid this order (it is pending): this order is paid through Stripe; its webhook confirms it"])
    }))
})

layer(TestServerLive(MAIL_ENV), { timeout: "60 seconds", excludeTestServices: true })("HTTP: the Stripe webhook without Stripe configured", (it) => {
  it.effect("answers 400 saying payments are confirmed by an administrator", () =>
    Effect.gen(function*() {
      const response = yield* webhook(signedEvent("checkout.session.completed", {}))
      expect(response.status).toBe(400)
      expect(response.body.detail).toContain("Stripe is not configured on this server")
    }))
})
