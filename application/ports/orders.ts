import { Context, type Effect, type Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { LedgerEntry, License, Order, OrderId, OrderStatus } from "../../domain/marketplace/order.js"
import type { ProductId } from "../../domain/marketplace/product.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

/** Orders, their licenses, the sellers' ledger, and the payment events already applied. */
export class OrderRepository extends Context.Tag("OrderRepository")<OrderRepository, {
  readonly insert: (order: Order) => Effect.Effect<void, StorageUnavailable>
  readonly findById: (id: OrderId) => Effect.Effect<Option.Option<Order>, StorageUnavailable>
  readonly setStatus: (id: OrderId, status: OrderStatus, at: Order["updatedAt"]) => Effect.Effect<void, StorageUnavailable>
  readonly setCheckout: (id: OrderId, providerRef: string, checkoutUrl: Option.Option<string>) => Effect.Effect<void, StorageUnavailable>
  /** The buyer's pending or paid order of a product, if any. */
  readonly openOrder: (buyerId: UserId, productId: ProductId) => Effect.Effect<Option.Option<Order>, StorageUnavailable>
  /** Whether the buyer has a paid (and not refunded) order of the product: what a review needs. */
  readonly hasPaidOrder: (buyerId: UserId, productId: ProductId) => Effect.Effect<boolean, StorageUnavailable>
  /** A buyer's orders, newest first; limit + 1 rows. */
  readonly byBuyer: (buyerId: UserId, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Order>, StorageUnavailable>
  /**
   * Notes that a provider's event was applied; false when it already was. Written in the same
   * transaction as the event's effect, so each event takes effect exactly once.
   */
  readonly recordEvent: (eventId: string, orderId: OrderId) => Effect.Effect<boolean, StorageUnavailable>
  readonly issueLicense: (license: License) => Effect.Effect<void, StorageUnavailable>
  readonly revokeLicenses: (orderId: OrderId) => Effect.Effect<void, StorageUnavailable>
  readonly licensesOf: (buyerId: UserId) => Effect.Effect<ReadonlyArray<License>, StorageUnavailable>
  readonly addLedgerEntry: (entry: LedgerEntry) => Effect.Effect<void, StorageUnavailable>
  readonly ledgerOf: (sellerId: UserId) => Effect.Effect<ReadonlyArray<LedgerEntry>, StorageUnavailable>
  /** Adds to a product's sales count (negative on refund). */
  readonly countSale: (productId: ProductId, delta: number) => Effect.Effect<void, StorageUnavailable>
}>() {}


/** Takes payment for an order: a hosted checkout (Stripe), or an admin's confirmation (manual). */
export class Payments extends Context.Tag("Payments")<Payments, {
  readonly provider: "manual" | "stripe"
  /** Starts paying for an order (idempotent per order): the provider's reference and where to pay. */
  readonly checkout: (order: Order, productTitle: string) => Effect.Effect<{ readonly providerRef: string; readonly checkoutUrl: Option.Option<string> }, StorageUnavailable>
}>() {}

export class MarketplaceSettings extends Context.Tag("MarketplaceSettings")<MarketplaceSettings, {
  /** The platform's share of each sale, in percent. */
  readonly feePercent: number
}>() {}
