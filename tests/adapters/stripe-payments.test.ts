import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { DateTime, Duration, Effect, Option, Redacted, Result } from "effect"
import { Payments } from "../../application/ports/orders.js"
import { StripePayments } from "../../adapters/stripe/payments.stripe.js"
import { UserId } from "../../domain/identity/user.js"
import { Order, OrderId } from "../../domain/marketplace/order.js"
import { ProductId } from "../../domain/marketplace/product.js"
import { type FakeStripe, signedEvent, startFakeStripe, STRIPE_TEST_KEY, STRIPE_WEBHOOK_SECRET, stripeObjects } from "../support/fake-stripe.js"

let stripe: FakeStripe
beforeAll(async () => {
  stripe = await startFakeStripe()
})
afterAll(() => stripe.close())
beforeEach(() => {
  stripe.requests.length = 0
  stripe.state.failNext = 0
  stripe.state.refundStatus = "succeeded"
  stripe.state.unpaid.clear()
})

const createdAt = DateTime.makeUnsafe("2026-11-25T10:00:00Z")
const order = (overrides: Partial<ConstructorParameters<typeof Order>[0]> = {}) =>
  new Order({
    id: OrderId.make(crypto.randomUUID()),
    buyerId: UserId.make(crypto.randomUUID()),
    productId: ProductId.make(crypto.randomUUID()),
    sellerId: UserId.make(crypto.randomUUID()),
    amount: 1999,
    currency: "eur",
    status: "pending",
    provider: "stripe",
    providerRef: Option.none(),
    checkoutUrl: Option.none(),
    licenseActivationLimit: 3,
    createdAt,
    updatedAt: createdAt,
    ...overrides
  })

const run = <A, E>(f: (p: Payments["Service"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(
    Effect.flatMap(Payments, f).pipe(
      Effect.result,
      Effect.provide(StripePayments({
        secretKey: Redacted.make(STRIPE_TEST_KEY),
        webhookSecret: Redacted.make(STRIPE_WEBHOOK_SECRET),
        apiUrl: Option.some(stripe.url),
        successUrl: "https://shop.example/orders/{ORDER_ID}?ok",
        cancelUrl: "https://shop.example/orders/{ORDER_ID}?cancel",
        checkoutTtl: Duration.hours(2)
      }))
    )
  )
const ok = <A, E>(e: Result.Result<A, E>) => Result.getOrThrowWith(e, (x) => new Error(`expected success, got ${JSON.stringify(x)}`))

describe("Stripe payments adapter: API calls", () => {
  it("creates a Checkout Session at the order's price, with the order id, an idempotency key and the expiry", async () => {
    const o = order()
    const checkout = ok(await run((p) => p.checkout(o, "Budget template")))
    expect(checkout.providerRef).toMatch(/^cs_test_/)
    expect(Option.getOrNull(checkout.checkoutUrl)).toBe(`https://checkout.stripe.test/c/pay/${checkout.providerRef}`)
    expect(stripe.requests).toHaveLength(1)
    const request = stripe.requests[0]!
    expect(request.method).toBe("POST")
    expect(request.path).toBe("/v1/checkout/sessions")
    expect(request.headers["idempotency-key"]).toBe(`brainops-checkout-${o.id}`)
    expect(request.headers["content-type"]).toContain("application/x-www-form-urlencoded")
    expect(request.form).toMatchObject({
      mode: "payment",
      client_reference_id: o.id,
      "metadata[order_id]": o.id,
      "payment_intent_data[metadata][order_id]": o.id,
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "1999",
      "line_items[0][price_data][product_data][name]": "Budget template",
      "line_items[0][price_data][product_data][metadata][product_id]": o.productId,
      success_url: `https://shop.example/orders/${o.id}?ok`,
      cancel_url: `https://shop.example/orders/${o.id}?cancel`,
      expires_at: String(Math.floor(DateTime.toEpochMillis(createdAt) / 1000) + 2 * 3600)
    })
  })

  it("sends the same parameters and key when a checkout is retried, and gets the same session back", async () => {
    const o = order()
    const first = ok(await run((p) => p.checkout(o, "Budget template")))
    const again = ok(await run((p) => p.checkout(o, "Budget template")))
    expect(again.providerRef).toBe(first.providerRef)
    expect(stripe.requests[0]!.form).toEqual(stripe.requests[1]!.form)
    expect(stripe.requests[1]!.headers["idempotency-key"]).toBe(stripe.requests[0]!.headers["idempotency-key"])
  })

  it("reports Stripe failures as PaymentProviderFailed, never as a defect", async () => {
    stripe.state.failNext = 10 // more than the SDK's retries
    const failed = await run((p) => p.checkout(order(), "Budget template"))
    expect(Result.isFailure(failed) && failed.failure._tag).toBe("PaymentProviderFailed")
    expect(stripe.requests.length).toBe(3) // the request and the SDK's 2 retries, same idempotency key
    expect(new Set(stripe.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1)
  })

  it("refunds the session's payment intent once per order (idempotency key) and says whether it is settled", async () => {
    const o = order()
    const { providerRef } = ok(await run((p) => p.checkout(o, "Budget template")))
    const paid = new Order({ ...o, status: "paid", providerRef: Option.some(providerRef) })
    const refund = ok(await run((p) => p.refund(paid)))
    expect(Option.getOrNull(refund)).toMatchObject({ settled: true })
    const refundRequest = stripe.requests.find((r) => r.path === "/v1/refunds")!
    expect(refundRequest.form).toMatchObject({ payment_intent: `pi_${providerRef}`, "metadata[order_id]": o.id })
    expect(refundRequest.headers["idempotency-key"]).toBe(`brainops-refund-${o.id}`)
    stripe.state.refundStatus = "pending"
    const other = new Order({ ...order(), status: "paid", providerRef: Option.some(ok(await run((p) => p.checkout(order(), "x"))).providerRef) })
    expect(Option.getOrNull(ok(await run((p) => p.refund(other))))).toMatchObject({ settled: false })
  })

  it("refunds nothing for a session the buyer never paid, and asks Stripe for no refund", async () => {
    const o = order()
    const { providerRef } = ok(await run((p) => p.checkout(o, "Budget template")))
    stripe.state.unpaid.add(providerRef)
    const before = stripe.requests.length
    expect(Option.isNone(ok(await run((p) => p.refund(new Order({ ...o, status: "expired", providerRef: Option.some(providerRef) })))))).toBe(true)
    expect(stripe.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/checkout/sessions/${providerRef}`])
  })
})

describe("Stripe payments adapter: webhooks with real signatures", () => {
  const o = OrderId.make(crypto.randomUUID())
  const objects = stripeObjects(o, "cs_test_w", 1999, "eur")

  it("reads checkout.session.completed as Paid with the amount Stripe took", async () => {
    const delivery = signedEvent("checkout.session.completed", objects.completed, { id: "evt_paid" })
    const outcome = ok(await run((p) => p.readWebhook(delivery.payload, delivery.signature)))
    expect(outcome).toMatchObject({ _tag: "Payment", eventId: "evt_paid", orderId: o, event: { _tag: "Paid" } })
    expect(outcome._tag === "Payment" && Option.getOrNull(outcome.amount)).toEqual({ total: 1999, currency: "eur" })
  })

  it("reads expiry and async payments; an unpaid completed session is not a payment", async () => {
    const expired = signedEvent("checkout.session.expired", objects.expired)
    expect(ok(await run((p) => p.readWebhook(expired.payload, expired.signature)))).toMatchObject({ _tag: "Payment", event: { _tag: "Expired" } })
    const unpaid = signedEvent("checkout.session.completed", { ...objects.completed, payment_status: "unpaid" })
    expect(ok(await run((p) => p.readWebhook(unpaid.payload, unpaid.signature)))).toMatchObject({ _tag: "Ignored" })
    const later = signedEvent("checkout.session.async_payment_succeeded", objects.completed)
    expect(ok(await run((p) => p.readWebhook(later.payload, later.signature)))).toMatchObject({ _tag: "Payment", event: { _tag: "Paid" } })
    const failed = signedEvent("checkout.session.async_payment_failed", objects.expired)
    expect(ok(await run((p) => p.readWebhook(failed.payload, failed.signature)))).toMatchObject({ _tag: "Payment", event: { _tag: "Expired" } })
  })

  it("finds a refunded charge's order through its payment intent when the charge has no metadata", async () => {
    const real = order()
    const { providerRef } = ok(await run((p) => p.checkout(real, "x")))
    const charge = stripeObjects(real.id, providerRef, 1999).refunded
    const delivery = signedEvent("charge.refunded", charge)
    expect(ok(await run((p) => p.readWebhook(delivery.payload, delivery.signature)))).toMatchObject({ _tag: "Payment", orderId: real.id, event: { _tag: "Refunded" } })
    expect(stripe.requests.at(-1)).toMatchObject({ method: "GET", path: `/v1/payment_intents/pi_${providerRef}` })
    const partial = signedEvent("charge.refunded", { ...charge, refunded: false, amount_refunded: 500 })
    expect(ok(await run((p) => p.readWebhook(partial.payload, partial.signature)))).toMatchObject({ _tag: "Ignored" })
  })

  it("acknowledges event types it does not handle", async () => {
    const delivery = signedEvent("customer.created", { id: "cus_1", object: "customer" })
    expect(ok(await run((p) => p.readWebhook(delivery.payload, delivery.signature)))).toMatchObject({ _tag: "Ignored", type: "customer.created" })
  })

  it("rejects a wrong secret, a changed body, a missing or stale signature", async () => {
    const wrongSecret = signedEvent("checkout.session.completed", objects.completed, { secret: "whsec_someone_else" })
    const tampered = signedEvent("checkout.session.completed", objects.completed)
    const changed = tampered.payload.replace('"amount_total":1999', '"amount_total":1')
    const stale = `t=${Math.floor(Date.now() / 1000) - 3600},v1=${"0".repeat(64)}`
    for (const [payload, signature] of [[wrongSecret.payload, wrongSecret.signature], [changed, tampered.signature], [tampered.payload, ""], [tampered.payload, stale]] as const) {
      const result = await run((p) => p.readWebhook(payload, signature))
      expect(Result.isFailure(result) && result.failure._tag).toBe("InvalidWebhook")
    }
    // Re-serialising the JSON (as a body parser would) breaks the signature: the raw bytes are needed.
    const reserialised = JSON.stringify(JSON.parse(tampered.payload), null, 2)
    const result = await run((p) => p.readWebhook(reserialised, tampered.signature))
    expect(Result.isFailure(result) && result.failure._tag).toBe("InvalidWebhook")
  })
})
