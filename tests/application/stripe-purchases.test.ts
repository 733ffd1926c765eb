import { afterAll, expect, layer, type Vitest } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { expirePendingOrders, getOrder, markPaid, purchase, receiveWebhook, refundOrder } from "../../application/marketplace/orders.js"
import { MarketplaceSettings, OrderRepository, type Payments } from "../../application/ports/orders.js"
import type { FileStore } from "../../application/ports/file-store.js"
import type { Ids } from "../../application/ports/ids.js"
import type { SecretTokens } from "../../application/ports/secret-tokens.js"
import type { UnitOfWork } from "../../application/ports/unit-of-work.js"
import { ProductRepository } from "../../application/ports/product-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { OrderRepositoryMemory } from "../../adapters/in-memory/orders.memory.js"
import { ProductRepositoryMemory } from "../../adapters/in-memory/product-repository.memory.js"
import { UnitOfWorkMemory } from "../../adapters/in-memory/unit-of-work.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../../adapters/crypto/secret-tokens.node.js"
import { OrderRepositorySql } from "../../adapters/sql/order-repository.sql.js"
import { ProductRepositorySql } from "../../adapters/sql/product-repository.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { StripePayments } from "../../adapters/stripe/payments.stripe.js"
import { ManualPayments } from "../../adapters/payments/manual.js"
import { applyPaymentEvent, type OrderStatus, type PaymentEvent } from "../../domain/marketplace/order.js"
import { PgliteTestDatabase, PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { signedEvent, startFakeStripe, STRIPE_TEST_KEY, STRIPE_WEBHOOK_SECRET, stripeObjects } from "../support/fake-stripe.js"
import { checkProperty, tagOf } from "../support/fixtures.js"
import { approvedProduct, asAdmin, someone } from "../support/marketplace.js"

/** The licenses fulfilment issued to a buyer, as the store holds them. */
const licensesOf = (actor: { readonly userId: Parameters<Context.Service.Shape<typeof OrderRepository>["licensesOf"]>[0] }) =>
  Effect.flatMap(OrderRepository, (orders) => orders.licensesOf(actor.userId))

const fake = await startFakeStripe()
afterAll(() => fake.close())

const Stripe = StripePayments({
  secretKey: Redacted.make(STRIPE_TEST_KEY),
  webhookSecret: Redacted.make(STRIPE_WEBHOOK_SECRET),
  apiUrl: Option.some(fake.url),
  successUrl: "https://shop.example/ok",
  cancelUrl: "https://shop.example/cancel",
  checkoutTtl: Duration.hours(24)
})
const Common = Layer.mergeAll(
  Stripe,
  FileStoreMemory,
  Layer.succeed(MarketplaceSettings, { feePercent: 10, pendingOrderTtl: Duration.hours(24) }),
  IdsUuidV7,
  SecretTokensNode
)
const InMemory = Layer.mergeAll(OrderRepositoryMemory, Common, UserRepositoryMemory, UnitOfWorkMemory).pipe(Layer.provideMerge(ProductRepositoryMemory))
const OnPglite = Layer.mergeAll(OrderRepositorySql, ProductRepositorySql, UserRepositorySql, UnitOfWorkSql, Common).pipe(Layer.provide(PgliteTestDatabase))

/** A bought product: seller, buyer, the pending order and the Stripe objects its events carry. */
const bought = Effect.gen(function*() {
  const seller = yield* someone
  const buyer = yield* someone
  const productId = (yield* approvedProduct(seller.userId, { price: 2500 })).id
  const order = yield* purchase(buyer, productId)
  const session = Option.getOrThrow(order.providerRef)
  return { seller, buyer, productId, order, session, objects: stripeObjects(order.id, session, order.amount) }
})

const deliver = (type: string, object: Record<string, unknown>, id?: string) => {
  const d = signedEvent(type, object, id === undefined ? {} : { id })
  return receiveWebhook(d.payload, d.signature)
}

/** What the buyer and seller see of an order: its status, licenses, the ledger's total and the sales count. */
const observed = (b: Effect.Success<typeof bought>) =>
  Effect.gen(function*() {
    const orders = yield* OrderRepository
    const ledger = yield* orders.ledgerOf(b.seller.userId)
    return {
      status: (yield* getOrder(b.buyer, b.order.id)).status,
      licenses: (yield* licensesOf(b.buyer)).map((l) => l.status),
      ledger: ledger.map((e) => `${e.kind}:${e.gross}/${e.fee}/${e.net}`).sort(),
      net: ledger.reduce((sum, e) => sum + e.net, 0),
      sales: Option.getOrThrow(yield* (yield* ProductRepository).findById(b.productId)).salesCount
    }
  })

type Ports = FileStore | Ids | MarketplaceSettings | OrderRepository | Payments | ProductRepository | SecretTokens | UnitOfWork | UserRepository

const scenarios = (runs: number) => (it: Vitest.MethodsNonLive<Ports>) => {
  it.effect("purchase → Checkout URL; completed webhook → paid, license, ledger; repeats do nothing; charge.refunded revokes and reverses", () =>
    Effect.gen(function*() {
      const b = yield* bought
      expect(b.order.status).toBe("pending")
      expect(Option.getOrNull(b.order.checkoutUrl)).toBe(`https://checkout.stripe.test/c/pay/${b.session}`)
      expect(b.order.provider).toBe("stripe")
      // Buying again while pending answers the same order and session.
      expect((yield* purchase(b.buyer, b.productId)).id).toBe(b.order.id)

      expect(yield* deliver("checkout.session.completed", b.objects.completed, `evt_paid_${b.order.id}`)).toEqual({ applied: true })
      expect(yield* deliver("checkout.session.completed", b.objects.completed, `evt_paid_${b.order.id}`)).toEqual({ applied: false })
      expect(yield* observed(b)).toEqual({ status: "paid", licenses: ["active"], ledger: ["sale:2500/250/2250"], net: 2250, sales: 1 })
      // Stripe orders are confirmed by their webhook, never by hand.
      expect(yield* tagOf(markPaid(asAdmin(b.seller), b.order.id))).toBe("InvalidOrderTransition")

      yield* deliver("charge.refunded", b.objects.refunded, `evt_refund_${b.order.id}`)
      yield* deliver("charge.refunded", b.objects.refunded, `evt_refund_${b.order.id}`)
      expect(yield* observed(b)).toEqual({ status: "refunded", licenses: ["revoked"], ledger: ["reversal:-2500/-250/-2250", "sale:2500/250/2250"], net: 0, sales: 0 })
    }))

  it.effect("an admin refund goes through Stripe once; the charge.refunded webhook that follows changes nothing", () =>
    Effect.gen(function*() {
      const b = yield* bought
      const ops = asAdmin(yield* someone)
      expect(yield* tagOf(refundOrder(ops, b.order.id))).toBe("InvalidOrderTransition") // not paid yet
      yield* deliver("checkout.session.completed", b.objects.completed)
      expect(yield* tagOf(refundOrder(b.buyer, b.order.id))).toBe("Forbidden")
      const before = fake.requests.filter((r) => r.path === "/v1/refunds").length
      expect((yield* refundOrder(ops, b.order.id)).status).toBe("refunded")
      expect((yield* refundOrder(ops, b.order.id)).status).toBe("refunded")
      const refunds = fake.requests.filter((r) => r.path === "/v1/refunds").slice(before)
      expect(refunds.map((r) => [r.form["payment_intent"], r.headers["idempotency-key"]])).toEqual([[`pi_${b.session}`, `brainops-refund-${b.order.id}`]])
      yield* deliver("charge.refunded", b.objects.refunded)
      expect(yield* observed(b)).toEqual({ status: "refunded", licenses: ["revoked"], ledger: ["reversal:-2500/-250/-2250", "sale:2500/250/2250"], net: 0, sales: 0 })
    }))

  it.effect("events for unknown orders, and payments of another amount, are acknowledged without effect", () =>
    Effect.gen(function*() {
      const b = yield* bought
      expect(yield* deliver("checkout.session.completed", stripeObjects(crypto.randomUUID(), "cs_x", 2500).completed)).toEqual({ applied: false })
      expect(yield* deliver("checkout.session.completed", stripeObjects("not-a-uuid", "cs_y", 2500).completed)).toEqual({ applied: false })
      expect(yield* deliver("checkout.session.completed", { ...b.objects.completed, amount_total: 1 })).toEqual({ applied: false })
      expect(yield* deliver("checkout.session.completed", { ...b.objects.completed, currency: "eur" })).toEqual({ applied: false })
      expect((yield* observed(b)).status).toBe("pending")
      const bad = signedEvent("checkout.session.completed", b.objects.completed, { secret: "whsec_wrong" })
      expect(yield* tagOf(receiveWebhook(bad.payload, bad.signature))).toBe("InvalidWebhook")
    }))

  it.effect("an expired session expires the order; the buyer can buy again", () =>
    Effect.gen(function*() {
      const b = yield* bought
      yield* deliver("checkout.session.expired", b.objects.expired)
      expect((yield* observed(b)).status).toBe("expired")
      const again = yield* purchase(b.buyer, b.productId)
      expect(again.id).not.toBe(b.order.id)
      expect(again.status).toBe("pending")
    }))

  it.effect("any order of delivery, with any repeats, ends where the clean sequence ends", () =>
    checkProperty(
      fc.tuple(
        fc.constantFrom<ReadonlyArray<"paid" | "expired" | "refunded">>(["paid"], ["expired"], ["paid", "refunded"], ["expired", "paid"], ["paid", "expired", "refunded"]),
        fc.array(fc.nat(), { minLength: 0, maxLength: 12 })
      ),
      ([kinds, noise]) =>
        Effect.gen(function*() {
          const b = yield* bought
          const events = kinds.map((kind, i) => ({
            id: `evt_${i}_${b.order.id}`,
            type: kind === "paid" ? "checkout.session.completed" : kind === "expired" ? "checkout.session.expired" : "charge.refunded",
            object: kind === "paid" ? b.objects.completed : kind === "expired" ? b.objects.expired : b.objects.refunded,
            event: { _tag: kind === "paid" ? "Paid" : kind === "expired" ? "Expired" : "Refunded" } as PaymentEvent
          }))
          // Every event at least once, then random repeats, in a random order.
          const deliveries = [...events, ...noise.map((n) => events[n % events.length]!)]
          for (let i = deliveries.length - 1; i > 0; i--) {
            const j = (noise[i % Math.max(noise.length, 1)] ?? 0) % (i + 1)
            ;[deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!]
          }
          for (const d of deliveries) yield* deliver(d.type, d.object, d.id)
          const clean = events.reduce<OrderStatus>((status, e) => applyPaymentEvent(status, e.event).status, "pending")
          const seen = yield* observed(b)
          expect(seen.status).toBe(clean)
          const sold = kinds.includes("paid") || kinds.includes("refunded")
          expect(seen.ledger).toEqual(!sold ? [] : clean === "refunded" ? ["reversal:-2500/-250/-2250", "sale:2500/250/2250"] : ["sale:2500/250/2250"])
          expect(seen.net).toBe(clean === "paid" ? 2250 : 0)
          expect(seen.sales).toBe(clean === "paid" ? 1 : 0)
          expect(seen.licenses).toEqual(clean === "paid" ? ["active"] : clean === "refunded" && deliveries.findIndex((d) => d.event._tag === "Paid") < deliveries.findIndex((d) => d.event._tag === "Refunded") ? ["revoked"] : [])
        }),
      { numRuns: runs }
    ))

  it.effect("the same buyer purchasing twice at the same moment gets one order and one checkout", () =>
    Effect.gen(function*() {
      const seller = yield* someone
      const buyer = yield* someone
      const productId = (yield* approvedProduct(seller.userId, { price: 2500 })).id
      const before = fake.requests.length
      const orders = yield* Effect.forEach([1, 2, 3, 4], () => purchase(buyer, productId), { concurrency: "unbounded" })
      expect(new Set(orders.map((o) => o.id)).size).toBe(1)
      expect(new Set(orders.map((o) => Option.getOrNull(o.checkoutUrl))).size).toBe(1)
      const sessions = fake.requests.slice(before).filter((r) => r.path === "/v1/checkout/sessions")
      expect(new Set(sessions.map((r) => r.headers["idempotency-key"]))).toEqual(new Set([`brainops-checkout-${orders[0]!.id}`]))
    }))

  it.effect("one event delivered five times at the same moment takes effect once; a declined event leaves no note", () =>
    Effect.gen(function*() {
      const b = yield* bought
      const id = `evt_${crypto.randomUUID()}`
      // Declined (another amount): nothing noted, so the event's id is still unused afterwards.
      expect(yield* deliver("checkout.session.completed", { ...b.objects.completed, amount_total: 1 }, id)).toEqual({ applied: false })
      const results = yield* Effect.forEach([1, 2, 3, 4, 5], () => deliver("checkout.session.completed", b.objects.completed, id), { concurrency: "unbounded" })
      expect(results.filter((r) => r.applied)).toHaveLength(1)
      const seen = yield* observed(b)
      expect([seen.status, seen.licenses, seen.ledger, seen.sales]).toEqual(["paid", ["active"], ["sale:2500/250/2250"], 1])
    }))

  it.effect("different events of one order delivered at the same moment end as the clean sequence does", () =>
    Effect.gen(function*() {
      const orders = yield* Effect.forEach(Array.from({ length: 6 }, (_, i) => i), () => bought)
      yield* Effect.forEach(orders, (b) =>
        Effect.forEach([
          ["checkout.session.completed", b.objects.completed],
          ["charge.refunded", b.objects.refunded],
          ["checkout.session.expired", b.objects.expired]
        ] as const, ([type, object]) => deliver(type, object), { concurrency: "unbounded" }), { concurrency: "unbounded" })
      for (const b of orders) {
        const seen = yield* observed(b)
        expect([seen.status, seen.ledger, seen.net, seen.sales]).toEqual(["refunded", ["reversal:-2500/-250/-2250", "sale:2500/250/2250"], 0, 0])
        expect(seen.licenses.every((l) => l === "revoked")).toBe(true)
      }
    }))

  it.effect("a payment arriving after its order expired and the buyer ordered again: that payment counts once, the newer order expires; a second payment is not fulfilled", () =>
    Effect.gen(function*() {
      const first = yield* bought
      yield* deliver("checkout.session.expired", first.objects.expired)
      const again = yield* purchase(first.buyer, first.productId)
      const againObjects = stripeObjects(again.id, Option.getOrThrow(again.providerRef), again.amount)
      // The first session's payment lands late (the buyer had paid at the last second).
      expect(yield* deliver("checkout.session.completed", first.objects.completed)).toEqual({ applied: true })
      expect((yield* getOrder(first.buyer, first.order.id)).status).toBe("paid")
      expect((yield* getOrder(first.buyer, again.id)).status).toBe("expired")
      // And if the newer session was paid as well, it is logged for a refund, not fulfilled twice.
      expect(yield* deliver("checkout.session.completed", againObjects.completed)).toEqual({ applied: true })
      expect((yield* getOrder(first.buyer, again.id)).status).toBe("expired")
      expect(yield* observed(first)).toEqual({ status: "paid", licenses: ["active"], ledger: ["sale:2500/250/2250"], net: 2250, sales: 1 })
      // The admin gives that second payment back: its order shows refunded, the ledger nets it out.
      const ops = asAdmin(yield* someone)
      expect((yield* refundOrder(ops, again.id)).status).toBe("refunded")
      const after = yield* observed(first)
      expect(after).toMatchObject({ status: "paid", licenses: ["active"], net: 2250, sales: 1 })
      expect(after.ledger).toEqual(["reversal:-2500/-250/-2250", "sale:2500/250/2250", "sale:2500/250/2250"])
    }))

  it.effect("an expired order nobody paid cannot be refunded: Stripe says no money was taken", () =>
    Effect.gen(function*() {
      const b = yield* bought
      yield* deliver("checkout.session.expired", b.objects.expired)
      fake.state.unpaid.add(b.session)
      const refunds = fake.requests.filter((r) => r.path === "/v1/refunds").length
      expect(yield* tagOf(refundOrder(asAdmin(yield* someone), b.order.id))).toBe("InvalidOrderTransition")
      expect(fake.requests.filter((r) => r.path === "/v1/refunds").length).toBe(refunds)
      expect((yield* observed(b)).status).toBe("expired")
    }))

  it.effect("pending orders past PENDING_ORDER_TTL expire; Stripe's get an hour more", () =>
    Effect.gen(function*() {
      const b = yield* bought
      yield* TestClock.adjust(Duration.hours(24.5))
      yield* expirePendingOrders()
      expect((yield* observed(b)).status).toBe("pending")
      yield* TestClock.adjust(Duration.hours(1))
      yield* expirePendingOrders()
      expect((yield* observed(b)).status).toBe("expired")
      // A late completed event still makes it paid (the status only moves up): the buyer paid.
      yield* deliver("checkout.session.completed", b.objects.completed)
      expect((yield* observed(b)).status).toBe("paid")
    }))
}

layer(InMemory)("Stripe purchases, in memory", scenarios(40))
layer(OnPglite, { timeout: "120 seconds" })("Stripe purchases, SQL on PGlite", scenarios(15))
const url = testDatabaseUrl()
if (url !== undefined) {
  const OnPostgres = Layer.mergeAll(OrderRepositorySql, ProductRepositorySql, UserRepositorySql, UnitOfWorkSql, Common).pipe(Layer.provide(PostgresTestDatabase(url)))
  layer(OnPostgres, { timeout: "120 seconds" })("Stripe purchases, SQL on PostgreSQL", scenarios(15))
}

const Manual = Layer.mergeAll(OrderRepositoryMemory, ManualPayments, FileStoreMemory, Layer.succeed(MarketplaceSettings, { feePercent: 10, pendingOrderTtl: Duration.hours(24) }), IdsUuidV7, SecretTokensNode, UserRepositoryMemory, UnitOfWorkMemory).pipe(Layer.provideMerge(ProductRepositoryMemory))
layer(Manual)("manual provider: expiry and refunds", (it) => {
  it.effect("an order left pending 24 hours expires and can no longer be marked paid; a paid one is refunded at once", () =>
    Effect.gen(function*() {
      const seller = yield* someone
      const buyer = yield* someone
      const ops = asAdmin(yield* someone)
      const first = yield* purchase(buyer, (yield* approvedProduct(seller.userId)).id)
      const second = yield* purchase(buyer, (yield* approvedProduct(seller.userId)).id)
      yield* markPaid(ops, second.id)
      yield* TestClock.adjust(Duration.hours(23))
      expect(yield* expirePendingOrders()).toBe(0)
      yield* TestClock.adjust(Duration.hours(2))
      expect(yield* expirePendingOrders()).toBe(1)
      expect(yield* expirePendingOrders()).toBe(0)
      expect((yield* getOrder(buyer, first.id)).status).toBe("expired")
      expect(yield* tagOf(markPaid(ops, first.id))).toBe("InvalidOrderTransition")
      expect((yield* refundOrder(ops, second.id)).status).toBe("refunded")
      expect((yield* licensesOf(buyer)).map((l) => l.status)).toEqual(["revoked"])
      const receipt = signedEvent("checkout.session.completed", {})
      expect(yield* tagOf(receiveWebhook(receipt.payload, receipt.signature))).toBe("InvalidWebhook")
    }))
})
