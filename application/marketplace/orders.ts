import { DateTime, Duration, Effect, Option, Schema } from "effect"
import { type Actor, isAdmin } from "../../domain/identity/actor.js"
import {
  applyPaymentEvent,
  formatLicenseKey,
  InvalidOrderTransition,
  LedgerEntry,
  License,
  LICENSE_ALPHABET,
  manualRefund,
  LicenseId,
  ledgerAmounts,
  Order,
  OrderId,
  type PaymentEvent,
  PurchaseRefused
} from "../../domain/marketplace/order.js"
import type { ProductId } from "../../domain/marketplace/product.js"
import { Forbidden, NotFound } from "../../domain/shared/errors.js"
import { FileLinks } from "../ports/file-links.js"
import { Ids } from "../ports/ids.js"
import { MarketplaceSettings, OrderRepository, PaymentProviderFailed, Payments } from "../ports/orders.js"
import { ProductRepository } from "../ports/product-repository.js"
import { SecretTokens } from "../ports/secret-tokens.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { publicProduct } from "./products.js"

/**
 * Buys an approved product: a pending order at the product's price (from our database, never from the
 * client) and a checkout with the payment provider. Buying again while an order is pending answers
 * that order; one's own product, or one already paid for, is refused.
 */
export const purchase = Effect.fn("Marketplace.purchase")(function*(actor: Actor, productId: ProductId) {
  const product = yield* publicProduct(productId)
  if (product.sellerId === actor.userId) return yield* Effect.fail(new PurchaseRefused({ reason: "you cannot buy your own product" }))
  const orders = yield* OrderRepository
  const payments = yield* Payments
  const continueOpen = (open: Order) =>
    open.status === "paid"
      ? Effect.fail(new PurchaseRefused({ reason: "you already own this product" }))
      // A checkout that failed half-way (the order saved, the provider unreachable) is tried again:
      // the provider call is idempotent per order, so this never makes a second payment.
      : Option.isSome(open.providerRef)
      ? Effect.succeed(open)
      : startCheckout(open, product.title)
  const open = yield* orders.openOrder(actor.userId, productId)
  if (Option.isSome(open)) return yield* continueOpen(open.value)
  const now = yield* DateTime.now
  const order = new Order({
    id: OrderId.make(yield* (yield* Ids).next),
    buyerId: actor.userId,
    productId,
    sellerId: product.sellerId,
    amount: product.price,
    currency: product.currency,
    status: "pending",
    provider: payments.provider,
    providerRef: Option.none(),
    checkoutUrl: Option.none(),
    licenseActivationLimit: product.licenseActivationLimit,
    createdAt: now,
    updatedAt: now
  })
  if (!(yield* orders.insert(order))) {
    // Another request of the same buyer opened an order a moment ago: answer that one.
    return yield* Option.match(yield* orders.openOrder(actor.userId, productId), {
      onNone: () => Effect.fail(new PurchaseRefused({ reason: "another purchase of this product changed state at the same moment; try again" })),
      onSome: continueOpen
    })
  }
  yield* Effect.logInfo("order created").pipe(Effect.annotateLogs({ orderId: order.id, productId, amount: order.amount, currency: order.currency }))
  return yield* startCheckout(order, product.title)
})

const startCheckout = (order: Order, title: string) =>
  Effect.gen(function*() {
    const checkout = yield* (yield* Payments).checkout(order, title)
    yield* (yield* OrderRepository).setCheckout(order.id, checkout.providerRef, checkout.checkoutUrl)
    return new Order({ ...order, providerRef: Option.some(checkout.providerRef), checkoutUrl: checkout.checkoutUrl })
  })

/**
 * Fulfilment, the one place a payment event takes effect (the Stripe webhook and the manual
 * provider's mark-paid both come here). The event id is stored in the same transaction as the
 * effect, so a repeated delivery does nothing; the order's status only moves up, so deliveries in
 * any order end in the same state. `accept` sees the locked order of a new event and may decline
 * the event (its note is taken back then); an order that does not exist takes no event (`found`
 * false).
 */
export const applyPayment = Effect.fn("Marketplace.applyPayment")(function*(
  eventId: string,
  orderId: OrderId,
  event: PaymentEvent,
  accept: (order: Order) => Effect.Effect<boolean> = () => Effect.succeed(true)
) {
  const orders = yield* OrderRepository
  const { feePercent } = yield* MarketplaceSettings
  const ids = yield* Ids
  const tokens = yield* SecretTokens
  return yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      // Lock the order and note the event first, in one round trip: two different events of one
      // order arriving together must not both decide from the same old status (both would record a
      // sale), and an event noted already changes nothing.
      const locked = yield* orders.lockForEvent(orderId, eventId)
      if (Option.isNone(locked)) return { applied: false as const, found: false }
      const { fresh, order } = locked.value
      if (!fresh) return { applied: false as const, found: true }
      if (!(yield* accept(order))) {
        yield* orders.forgetEvent(eventId)
        return { applied: false as const, found: true }
      }
      const next = applyPaymentEvent(order.status, event)
      const now = yield* DateTime.now
      if (order.status === "expired" && next.status === "paid") {
        // A payment that arrives after its order expired, when the buyer has ordered again since.
        const other = yield* otherOpenOrder(order)
        if (Option.isSome(other) && other.value.status === "paid") {
          // Paid twice for one product: keep the first, and say loudly that this money goes back.
          yield* Effect.logError("second payment for a product the buyer already owns: refund it (POST /marketplace/admin/orders/{id}/refund)").pipe(
            Effect.annotateLogs({ orderId, paidOrderId: other.value.id, eventId })
          )
          return { applied: true as const, found: true, status: order.status }
        }
        // The newer order is still waiting for its payment: this one is it.
        if (Option.isSome(other)) yield* orders.setStatus(other.value.id, "expired", now)
      }
      // What the event does, written in one go (one round trip) after the decisions.
      let license = Option.none<License>()
      let revokeLicenses = false
      const ledgerEntries: Array<LedgerEntry> = []
      let salesDelta = 0
      for (const consequence of next.consequences) {
        switch (consequence) {
          case "grant": {
            const key = formatLicenseKey(yield* tokens.randomString(LICENSE_ALPHABET, 25))
            license = Option.some(
              new License({ id: LicenseId.make(yield* ids.next), orderId, productId: order.productId, buyerId: order.buyerId, key, activationLimit: order.licenseActivationLimit, status: "active", createdAt: now })
            )
            break
          }
          case "revoke":
            revokeLicenses = true
            break
          case "record_sale":
          case "record_reversal": {
            const kind = consequence === "record_sale" ? "sale" : "reversal"
            ledgerEntries.push(
              new LedgerEntry({
                id: yield* ids.next,
                sellerId: order.sellerId,
                orderId,
                productId: order.productId,
                kind,
                ...ledgerAmounts(order.amount, feePercent, kind),
                currency: order.currency,
                createdAt: now
              })
            )
            salesDelta += kind === "sale" ? 1 : -1
            break
          }
        }
      }
      yield* orders.writeEffects({
        orderId,
        productId: order.productId,
        status: next.status !== order.status ? Option.some({ status: next.status, at: now }) : Option.none(),
        license,
        revokeLicenses,
        ledgerEntries,
        salesDelta
      })
      return { applied: true as const, found: true, status: next.status }
    })
  )
})

/** The buyer's other open order of the same product, locked (its own events wait for this one). */
const otherOpenOrder = (order: Order) =>
  Effect.gen(function*() {
    const orders = yield* OrderRepository
    const open = yield* orders.openOrder(order.buyerId, order.productId)
    if (Option.isNone(open) || open.value.id === order.id) return Option.none<Order>()
    return yield* orders.findForUpdate(open.value.id)
  })

const load = (id: OrderId) =>
  Effect.flatMap(OrderRepository, (o) => o.findById(id)).pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.fail(new NotFound({ resource: "Order" })), onSome: Effect.succeed }))
  )

/** The manual provider's confirmation: an admin says the money arrived; the same fulfilment runs. */
export const markPaid = Effect.fn("Marketplace.markPaid")(function*(actor: Actor, id: OrderId) {
  if (!isAdmin(actor)) return yield* Effect.fail(new Forbidden({ reason: "only an administrator confirms payments" }))
  const order = yield* load(id)
  if (order.provider !== "manual") {
    return yield* Effect.fail(new InvalidOrderTransition({ action: "mark paid", status: order.status, reason: "this order is paid through Stripe; its webhook confirms it" }))
  }
  // A buyer whose order expired may have ordered again: paying the old one too would sell twice.
  if (order.status === "expired") {
    return yield* Effect.fail(new InvalidOrderTransition({ action: "mark paid", status: order.status, reason: "the order expired; the buyer can purchase again" }))
  }
  yield* applyPayment(`manual:paid:${id}`, id, { _tag: "Paid" })
  return yield* load(id)
})

/**
 * An admin gives a paid order's money back through the provider that took it. When the refund is
 * final at once (manual, or Stripe's refund succeeded) it takes effect now; the provider's later
 * webhook for it then changes nothing. Refunding a refunded order answers it as it is. An expired
 * Stripe order may be refunded too: it is how a second payment for one product goes back (Stripe
 * knows whether money was taken; if none was, the refund is refused).
 */
export const refundOrder = Effect.fn("Marketplace.refundOrder")(function*(actor: Actor, id: OrderId) {
  if (!isAdmin(actor)) return yield* Effect.fail(new Forbidden({ reason: "only an administrator refunds orders" }))
  const order = yield* load(id)
  if (order.status === "refunded") return order
  const refusal = (reason: string) => Effect.fail(new InvalidOrderTransition({ action: "refund", status: order.status, reason }))
  if (order.status === "pending" || (order.status === "expired" && order.provider === "manual")) {
    return yield* refusal(`only a paid order can be refunded; this one is ${order.status}`)
  }
  const payments = yield* Payments
  // The provider that took the money gives it back; a manual order stays refundable by hand after
  // the server has moved to Stripe.
  const taken = payments.provider === order.provider
    ? yield* payments.refund(order)
    : order.provider === "manual"
    ? Option.some(manualRefund(order.id))
    : yield* Effect.fail(new PaymentProviderFailed({ reason: `the order was paid through ${order.provider}, which is not configured on this server` }))
  if (Option.isNone(taken)) return yield* refusal("no payment was taken for this order")
  const refund = taken.value
  yield* Effect.logInfo("refund requested").pipe(Effect.annotateLogs({ orderId: id, refundRef: refund.refundRef, settled: refund.settled }))
  if (refund.settled) yield* applyPayment(`refund:${refund.refundRef}`, id, { _tag: "Refunded" })
  return yield* load(id)
})

/**
 * A webhook delivery from the payment provider: verified on its raw body, then applied through the
 * one fulfilment use-case. Events for orders we do not know, and paid amounts that differ from the
 * order, are acknowledged without effect and logged: retrying them would never help. A repeat of an
 * event already applied (Stripe delivers at least once) finds its note when it locks the order and
 * changes nothing: whether an event takes effect is decided only inside the transaction that notes it.
 */
export const receiveWebhook = Effect.fn("Marketplace.receiveWebhook")(function*(payload: string, signature: string) {
  const outcome = yield* (yield* Payments).readWebhook(payload, signature)
  const log = Effect.annotateLogs({ eventId: outcome.eventId, type: outcome.type })
  if (outcome._tag === "Ignored") {
    yield* Effect.logDebug("webhook event ignored").pipe(log)
    return { applied: false }
  }
  const orderId = Schema.decodeOption(OrderId)(outcome.orderId)
  let declined = false
  const result = Option.isNone(orderId) ? { applied: false, found: false } : yield* applyPayment(outcome.eventId, orderId.value, outcome.event, (order) => {
    const paidWrongAmount = outcome.event._tag === "Paid" &&
      Option.exists(outcome.amount, (a) => a.total !== order.amount || a.currency !== order.currency)
    declined = paidWrongAmount
    return paidWrongAmount
      ? Effect.as(
        Effect.logError("paid amount differs from the order: not fulfilled").pipe(
          log,
          Effect.annotateLogs({ orderId: order.id, expected: `${order.amount} ${order.currency}`, paid: outcome.amount })
        ),
        false
      )
      : Effect.succeed(true)
  })
  if (!result.found) {
    yield* Effect.logWarning("webhook event for an unknown order").pipe(log, Effect.annotateLogs({ orderId: outcome.orderId }))
  } else if (!declined) {
    yield* Effect.logInfo(result.applied ? "payment event applied" : "payment event already applied").pipe(log, Effect.annotateLogs({ orderId: outcome.orderId }))
  }
  return { applied: result.applied }
})

/**
 * Expires orders left pending past PENDING_ORDER_TTL (run by the maintenance loop). Stripe expires
 * its checkout sessions at the same time and says so by webhook; its orders get an hour more here,
 * so a payment made at the last second is not raced by this sweep.
 */
export const expirePendingOrders = Effect.fn("Marketplace.expirePendingOrders")(function*() {
  const { pendingOrderTtl } = yield* MarketplaceSettings
  const now = yield* DateTime.now
  const cutoff = DateTime.subtractDuration(now, pendingOrderTtl)
  const stripeCutoff = DateTime.subtractDuration(cutoff, Duration.hours(1))
  const stale = yield* (yield* OrderRepository).pendingBefore(cutoff, 500)
  let expired = 0
  for (const order of stale) {
    if (order.provider === "stripe" && DateTime.isGreaterThan(order.createdAt, stripeCutoff)) continue
    if ((yield* applyPayment(`expiry:${order.id}`, order.id, { _tag: "Expired" })).applied) expired++
  }
  return expired
})

/** The buyer's own order; anyone else's answers NotFound. */
export const getOrder = Effect.fn("Marketplace.getOrder")(function*(actor: Actor, id: OrderId) {
  const order = yield* load(id)
  return order.buyerId === actor.userId ? order : yield* Effect.fail(new NotFound({ resource: "Order" }))
})

export const listOrders = Effect.fn("Marketplace.listOrders")(function*(actor: Actor, page: PageRequest) {
  const rows = yield* (yield* OrderRepository).byBuyer(actor.userId, yield* decodeCursor(page.cursor), page.limit)
  return toPage(rows, page.limit, (o) => ({ at: DateTime.toEpochMillis(o.createdAt), id: o.id }))
})

/** A short-lived link to the product's file, for the buyer of a paid (and not refunded) order only. */
export const downloadLink = Effect.fn("Marketplace.downloadLink")(function*(actor: Actor, id: OrderId) {
  const order = yield* getOrder(actor, id)
  if (order.status !== "paid") return yield* Effect.fail(new Forbidden({ reason: `the order is ${order.status}: downloads need a paid order` }))
  const product = Option.getOrThrow(yield* (yield* ProductRepository).findById(order.productId))
  const file = yield* Option.match(product.file, { onNone: () => Effect.fail(new NotFound({ resource: "File" })), onSome: Effect.succeed })
  // The link is served by the API and bound to the order, whatever the file store: a refund must
  // end it before it expires, which a presigned store URL could not do.
  const url = yield* (yield* FileLinks).sign(file.key, "15 minutes", file.name, order.id)
  return { url, expiresAt: DateTime.add(yield* DateTime.now, { minutes: 15 }) }
})

/** Whether an order-bound download link may still be served: only while its order is paid. */
export const orderStillGrantsDownload = Effect.fn("Marketplace.orderStillGrantsDownload")(function*(id: OrderId) {
  const order = yield* (yield* OrderRepository).findById(id)
  return Option.isSome(order) && order.value.status === "paid"
})
