import { afterAll, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { freshPostgresDatabase, testDatabaseUrl } from "../support/databases.js"
import { signedEvent, startFakeStripe, STRIPE_TEST_KEY, STRIPE_WEBHOOK_SECRET, stripeObjects } from "../support/fake-stripe.js"
import { MAIL_ENV, TestServer, TestServerLive } from "../support/http.js"
import { adminToken, approvedProduct, deliverWebhook, marketCall, verifiedUser } from "../support/marketplace-http.js"

const stripe = await startFakeStripe()
afterAll(() => stripe.close())
const ENV = { ...MAIL_ENV, STRIPE_SECRET_KEY: STRIPE_TEST_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_URL: stripe.url, PLATFORM_FEE_PERCENT: "15" }

const call = marketCall

/** Buys through Stripe Checkout and has Stripe's signed webhook confirm it: the order. */
const buyThroughStripe = (buyer: string, productId: string) =>
  Effect.gen(function*() {
    const order = yield* call(`/products/${productId}/purchase`, { method: "POST", token: buyer })
    expect(order.status).toBe(201)
    const session = String(order.body.checkout_url).split("/").at(-1)!
    const objects = stripeObjects(order.body.id, session, order.body.amount, order.body.currency)
    const paid = signedEvent("checkout.session.completed", objects.completed)
    for (let i = 0; i < 2; i++) {
      const delivered = yield* deliverWebhook(paid)
      expect(delivered.body).toEqual({ received: true, applied: i === 0 })
    }
    return { id: order.body.id as string, objects }
  })

/**
 * The whole marketplace, as its users meet it: a seller lists, the admin approves, two buyers pay
 * through Stripe (webhooks delivered twice), download, activate their license and review; the seller's
 * dashboard matches the ledger to the cent; a refund takes it all back for one of them.
 */
const journey = Effect.gen(function*() {
  const server = yield* TestServer
  const seller = yield* verifiedUser("seller")
  const ann = yield* verifiedUser("ann")
  const bob = yield* verifiedUser("bob")
  const admin = yield* adminToken
  const productId = yield* approvedProduct(seller, { title: "Lightroom film presets", price: 4999, currency: "usd", license_activation_limit: 2 }, "PK presets v1")
  expect((yield* call(`/products?q=film%20presets`)).body.items.map((p: any) => p.id)).toContain(productId)

  const annOrder = yield* buyThroughStripe(ann, productId)
  const bobOrder = yield* buyThroughStripe(bob, productId)

  // Download: a short-lived link that serves the seller's file.
  const link = yield* call(`/orders/${annOrder.id}/download`, { token: ann })
  const url = new URL(link.body.url)
  expect(yield* Effect.promise(() => fetch(server.url(`${url.pathname}${url.search}`)).then((r) => r.text()))).toBe("PK presets v1")
  expect((yield* call(`/orders/${annOrder.id}/download`, { token: bob })).status).toBe(404)

  // License: activate up to the limit, validate.
  const key = (yield* call("/licenses", { token: ann })).body.items[0].license_key
  const laptop = yield* call("/licenses/activate", { method: "POST", token: ann, json: { license_key: key, instance_name: "laptop" } })
  expect(laptop.body).toMatchObject({ activations_used: 1, activation_limit: 2 })
  yield* call("/licenses/activate", { method: "POST", token: ann, json: { license_key: key, instance_name: "studio" } })
  expect((yield* call("/licenses/activate", { method: "POST", token: ann, json: { license_key: key, instance_name: "third" } })).status).toBe(409)
  expect((yield* call("/licenses/validate", { method: "POST", token: ann, json: { license_key: key, instance_id: laptop.body.instance_id } })).body.valid).toBe(true)

  // Reviews by the two buyers; the product's rating is exact.
  expect((yield* call(`/products/${productId}/reviews`, { method: "POST", token: ann, json: { rating: 4, text: "Lovely tones." } })).status).toBe(201)
  expect((yield* call(`/products/${productId}/reviews`, { method: "POST", token: ann, json: { rating: 5 } })).status).toBe(409)
  expect((yield* call(`/products/${productId}/reviews`, { method: "POST", token: bob, json: { rating: 5, text: "Best presets I own." } })).status).toBe(201)
  expect((yield* call(`/products/${productId}/reviews`, { method: "POST", token: seller, json: { rating: 5 } })).status).toBe(403)
  expect((yield* call(`/products/${productId}`)).body).toMatchObject({ rating_average: 4.5, rating_count: 2, sales_count: 2 })

  // The dashboard: two sales of 49.99 at a 15% fee (7.50 each, rounded half up).
  const before = (yield* call("/seller/dashboard", { token: seller })).body
  expect(before.currency_totals).toEqual([{ currency: "usd", sales_count: 2, refunds_count: 0, gross: 9998, fees: 1500, net: 8498, refunded_gross: 0 }])
  expect(before).toMatchObject({ average_rating: 4.5, rating_count: 2 })
  expect(before.revenue_per_day).toHaveLength(1)
  expect(before.revenue_per_day[0]).toMatchObject({ currency: "usd", gross: 9998, net: 8498, sales: 2 })
  expect(before.top_products).toEqual([{ product_id: productId, title: "Lightroom film presets", currency: "usd", sales: 2, net: 8498 }])

  // The admin refunds Ann through Stripe; Stripe's charge.refunded follows and changes nothing more.
  expect((yield* call(`/admin/orders/${annOrder.id}/refund`, { method: "POST", token: admin })).body.status).toBe("refunded")
  yield* deliverWebhook(signedEvent("charge.refunded", annOrder.objects.refunded))
  expect((yield* call(`/orders/${annOrder.id}/download`, { token: ann })).status).toBe(403)
  expect((yield* call("/licenses/validate", { method: "POST", token: ann, json: { license_key: key } })).body.valid).toBe(false)
  const after = (yield* call("/seller/dashboard", { token: seller })).body
  expect(after.currency_totals).toEqual([{ currency: "usd", sales_count: 1, refunds_count: 1, gross: 4999, fees: 750, net: 4249, refunded_gross: 4999 }])
  expect((yield* call(`/products/${productId}`)).body.sales_count).toBe(1)
  expect((yield* call(`/orders/${bobOrder.id}`, { token: bob })).body.status).toBe("paid")
})

layer(TestServerLive(ENV), { timeout: "120 seconds", excludeTestServices: true })("marketplace journey on the embedded profile (PGlite)", (it) => {
  it.effect("seller lists → admin approves → buyers pay through Stripe → download → license → review → dashboard → refund", () => journey)
})

const adminUrl = testDatabaseUrl()
if (adminUrl !== undefined) {
  const OnPostgres = Layer.unwrap(Effect.map(freshPostgresDatabase(adminUrl), (url) => TestServerLive({ ...ENV, DATABASE_URL: url })))
  layer(OnPostgres, { timeout: "120 seconds", excludeTestServices: true })("marketplace journey on PostgreSQL", (it) => {
    it.effect("seller lists → admin approves → buyers pay through Stripe → download → license → review → dashboard → refund", () => journey)
  })
}
