import { DateTime, Effect, Option } from "effect"
import { type Actor, isAdmin } from "../../domain/identity/actor.js"
import {
  applyPaymentEvent,
  formatLicenseKey,
  LedgerEntry,
  License,
  LICENSE_ALPHABET,
  LicenseId,
  ledgerAmounts,
  Order,
  OrderId,
  type PaymentEvent,
  PurchaseRefused
} from "../../domain/marketplace/order.js"
import type { ProductId } from "../../domain/marketplace/product.js"
import { Forbidden, NotFound } from "../../domain/shared/errors.js"
import { FileStore } from "../ports/file-store.js"
import { Ids } from "../ports/ids.js"
import { MarketplaceSettings, OrderRepository, Payments } from "../ports/orders.js"
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
  const open = yield* orders.openOrder(actor.userId, productId)
  if (Option.isSome(open)) {
    if (open.value.status === "paid") return yield* Effect.fail(new PurchaseRefused({ reason: "you already own this product" }))
    return open.value
  }
  const now = yield* DateTime.now
  const payments = yield* Payments
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
    createdAt: now,
    updatedAt: now
  })
  yield* orders.insert(order)
  const checkout = yield* payments.checkout(order, product.title)
  yield* orders.setCheckout(order.id, checkout.providerRef, checkout.checkoutUrl)
  return new Order({ ...order, providerRef: Option.some(checkout.providerRef), checkoutUrl: checkout.checkoutUrl })
})

/**
 * Fulfilment, the one place a payment event takes effect (the Stripe webhook and the manual
 * provider's mark-paid both come here). The event id is stored in the same transaction as the
 * effect, so a repeated delivery does nothing; the order's status only moves up, so deliveries in
 * any order end in the same state.
 */
export const applyPayment = Effect.fn("Marketplace.applyPayment")(function*(eventId: string, orderId: OrderId, event: PaymentEvent) {
  const orders = yield* OrderRepository
  const products = yield* ProductRepository
  const { feePercent } = yield* MarketplaceSettings
  const ids = yield* Ids
  const tokens = yield* SecretTokens
  return yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      if (!(yield* orders.recordEvent(eventId, orderId))) return { applied: false as const }
      const order = Option.getOrThrow(yield* orders.findById(orderId))
      const next = applyPaymentEvent(order.status, event)
      const now = yield* DateTime.now
      for (const consequence of next.consequences) {
        switch (consequence) {
          case "grant": {
            const product = Option.getOrThrow(yield* products.findById(order.productId))
            const key = formatLicenseKey(yield* tokens.randomString(LICENSE_ALPHABET, 25))
            yield* orders.issueLicense(
              new License({ id: LicenseId.make(yield* ids.next), orderId, productId: order.productId, buyerId: order.buyerId, key, activationLimit: product.licenseActivationLimit, status: "active", createdAt: now })
            )
            break
          }
          case "revoke":
            yield* orders.revokeLicenses(orderId)
            break
          case "record_sale":
          case "record_reversal": {
            const kind = consequence === "record_sale" ? "sale" : "reversal"
            yield* orders.addLedgerEntry(
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
            yield* orders.countSale(order.productId, kind === "sale" ? 1 : -1)
            break
          }
        }
      }
      if (next.status !== order.status) yield* orders.setStatus(orderId, next.status, now)
      return { applied: true as const, status: next.status }
    })
  )
})

const load = (id: OrderId) =>
  Effect.flatMap(OrderRepository, (o) => o.findById(id)).pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.fail(new NotFound({ resource: "Order" })), onSome: Effect.succeed }))
  )

/** The manual provider's confirmation: an admin says the money arrived; the same fulfilment runs. */
export const markPaid = Effect.fn("Marketplace.markPaid")(function*(actor: Actor, id: OrderId) {
  if (!isAdmin(actor)) return yield* Effect.fail(new Forbidden({ reason: "only an administrator confirms payments" }))
  const order = yield* load(id)
  if (order.provider !== "manual") return yield* Effect.fail(new PurchaseRefused({ reason: "this order is paid through Stripe; its webhook confirms it" }))
  yield* applyPayment(`manual:paid:${id}`, id, { _tag: "Paid" })
  return yield* load(id)
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
  const url = yield* (yield* FileStore).downloadUrl(file.key, "15 minutes", file.name)
  return { url, expiresAt: DateTime.add(yield* DateTime.now, { minutes: 15 }) }
})

export const myLicenses = Effect.fn("Marketplace.myLicenses")(function*(actor: Actor) {
  return yield* (yield* OrderRepository).licensesOf(actor.userId)
})
