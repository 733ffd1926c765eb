import { Context, type Duration, type Effect, type Option, Schema } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { LedgerEntry, License, Order, OrderId, OrderStatus, PaymentEvent } from "../../domain/marketplace/order.js"
import type { ProductId } from "../../domain/marketplace/product.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

/** Orders, their licenses, the sellers' ledger, and the payment events already applied. */
export class OrderRepository extends Context.Service<OrderRepository, {
  /** Stores a new order; false (and nothing stored) when the buyer already has an open order of the product. */
  readonly insert: (order: Order) => Effect.Effect<boolean, StorageUnavailable>
  readonly findById: (id: OrderId) => Effect.Effect<Option.Option<Order>, StorageUnavailable>
  /**
   * The order, its row locked until the transaction ends: events of one order then take effect one
   * after another, each seeing the status the previous one left.
   */
  readonly findForUpdate: (id: OrderId) => Effect.Effect<Option.Option<Order>, StorageUnavailable>
  readonly setStatus: (id: OrderId, status: OrderStatus, at: Order["updatedAt"]) => Effect.Effect<void, StorageUnavailable>
  readonly setCheckout: (id: OrderId, providerRef: string, checkoutUrl: Option.Option<string>) => Effect.Effect<void, StorageUnavailable>
  /** Pending orders created before a time, oldest first (for expiry). */
  readonly pendingBefore: (before: Order["createdAt"], limit: number) => Effect.Effect<ReadonlyArray<Order>, StorageUnavailable>
  /** The buyer's pending or paid order of a product, if any. */
  readonly openOrder: (buyerId: UserId, productId: ProductId) => Effect.Effect<Option.Option<Order>, StorageUnavailable>
  /** Whether the buyer has a paid (and not refunded) order of the product: what a review needs. */
  readonly hasPaidOrder: (buyerId: UserId, productId: ProductId) => Effect.Effect<boolean, StorageUnavailable>
  /** A buyer's orders, newest first; limit + 1 rows. */
  readonly byBuyer: (buyerId: UserId, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Order>, StorageUnavailable>
  /**
   * Locks the order (as findForUpdate) and notes that a provider's event is applied to it, in one
   * round trip: `fresh` is false when the event was noted already, and then nothing changed. None
   * when the order does not exist (nothing noted). The note is in the caller's transaction, beside
   * the event's effects, so each event takes effect exactly once; a delivery of an event being
   * applied waits until that transaction ends, then finds it noted.
   */
  readonly lockForEvent: (orderId: OrderId, eventId: string) => Effect.Effect<Option.Option<{ readonly order: Order; readonly fresh: boolean }>, StorageUnavailable>
  /** Takes back the note of an event the caller declined after lockForEvent (in the same transaction). */
  readonly forgetEvent: (eventId: string) => Effect.Effect<void, StorageUnavailable>
  readonly issueLicense: (license: License) => Effect.Effect<void, StorageUnavailable>
  readonly revokeLicenses: (orderId: OrderId) => Effect.Effect<void, StorageUnavailable>
  readonly licensesOf: (buyerId: UserId) => Effect.Effect<ReadonlyArray<License>, StorageUnavailable>
  readonly addLedgerEntry: (entry: LedgerEntry) => Effect.Effect<void, StorageUnavailable>
  readonly ledgerOf: (sellerId: UserId) => Effect.Effect<ReadonlyArray<LedgerEntry>, StorageUnavailable>
  /** Adds to a product's sales count (negative on refund). */
  readonly countSale: (productId: ProductId, delta: number) => Effect.Effect<void, StorageUnavailable>
  /**
   * Writes what a payment event does to its (locked) order all at once: one round trip to the
   * database instead of one a write, inside the transaction that recorded the event.
   */
  readonly writeEffects: (effects: PaymentEffects) => Effect.Effect<void, StorageUnavailable>
}>()("OrderRepository") {}

/** What one payment event changes: decided by the use-case, written by OrderRepository.writeEffects. */
export interface PaymentEffects {
  readonly orderId: OrderId
  readonly productId: ProductId
  /** The order's new status, if it changes. */
  readonly status: Option.Option<{ readonly status: OrderStatus; readonly at: Order["updatedAt"] }>
  readonly license: Option.Option<License>
  readonly revokeLicenses: boolean
  readonly ledgerEntries: ReadonlyArray<LedgerEntry>
  /** Added to the product's sales count (0: left alone). */
  readonly salesDelta: number
}


/** The payment provider failed or refused a request (network, outage, a rejected call). */
export class PaymentProviderFailed extends Schema.TaggedError<PaymentProviderFailed>()("PaymentProviderFailed", {
  reason: Schema.String
}) {}

/** A webhook delivery that is not provably from the provider (bad or missing signature, bad body). */
export class InvalidWebhook extends Schema.TaggedError<InvalidWebhook>()("InvalidWebhook", { reason: Schema.String }) {}

/**
 * What a verified webhook delivery says: a payment event for one of our orders (with the amount the
 * provider took, when it says), or something we do not act on.
 */
export type WebhookOutcome =
  | {
    readonly _tag: "Payment"
    readonly eventId: string
    readonly type: string
    readonly orderId: string
    readonly event: PaymentEvent
    readonly amount: Option.Option<{ readonly total: number; readonly currency: string }>
  }
  | { readonly _tag: "Ignored"; readonly eventId: string; readonly type: string }

/** Takes payment for an order: a hosted checkout (Stripe), or an admin's confirmation (manual). */
export class Payments extends Context.Service<Payments, {
  readonly provider: "manual" | "stripe"
  /** Starts paying for an order (idempotent per order): the provider's reference and where to pay. */
  readonly checkout: (
    order: Order,
    productTitle: string
  ) => Effect.Effect<{ readonly providerRef: string; readonly checkoutUrl: Option.Option<string> }, PaymentProviderFailed>
  /**
   * Gives an order's money back (idempotent per order). `settled` is true when the refund is final
   * now; otherwise the provider's webhook reports it later. None when no payment was ever taken.
   */
  readonly refund: (order: Order) => Effect.Effect<Option.Option<{ readonly refundRef: string; readonly settled: boolean }>, PaymentProviderFailed>
  /** Verifies a webhook delivery on its raw body and reads what it says. */
  readonly readWebhook: (payload: string, signature: string) => Effect.Effect<WebhookOutcome, InvalidWebhook | PaymentProviderFailed>
}>()("Payments") {}

export class MarketplaceSettings extends Context.Service<MarketplaceSettings, {
  /** The platform's share of each sale, in percent. */
  readonly feePercent: number
  /** How long a pending order waits for its payment before it expires. */
  readonly pendingOrderTtl: Duration.Duration
}>()("MarketplaceSettings") {}
