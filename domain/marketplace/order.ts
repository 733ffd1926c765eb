import { Schema } from "effect"
import { UserId } from "../identity/user.js"
import { ProductId } from "./product.js"

export const OrderId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("OrderId"))
export type OrderId = typeof OrderId.Type

/**
 * An order's payment status. The statuses are ordered, pending < expired < paid < refunded, and an
 * order only ever moves up: whatever order the provider's events arrive in, and however often, the
 * order ends in the highest status any of them names.
 */
export const OrderStatus = Schema.Literals(["pending", "expired", "paid", "refunded"])
export type OrderStatus = typeof OrderStatus.Type
const RANK: Record<OrderStatus, number> = { pending: 0, expired: 1, paid: 2, refunded: 3 }

/** What the payment provider reports about an order. */
export type PaymentEvent = { readonly _tag: "Paid" } | { readonly _tag: "Expired" } | { readonly _tag: "Refunded" }
const TARGET: Record<PaymentEvent["_tag"], OrderStatus> = { Paid: "paid", Expired: "expired", Refunded: "refunded" }

/**
 * What a status change asks of the rest of the system, so that the end state is the same for every
 * arrival order of the same events: the buyer gets access and a license when the order becomes paid,
 * loses them when a paid order is refunded; the seller's ledger records the sale when it is paid, and
 * its reversal on refund. A refund that arrives before the payment records both, and grants nothing.
 */
export type Consequence = "grant" | "revoke" | "record_sale" | "record_reversal"

export const applyPaymentEvent = (
  status: OrderStatus,
  event: PaymentEvent
): { readonly status: OrderStatus; readonly consequences: ReadonlyArray<Consequence> } => {
  const target = TARGET[event._tag]
  if (RANK[target] <= RANK[status]) return { status, consequences: [] }
  if (target === "paid") return { status: "paid", consequences: ["grant", "record_sale"] }
  if (target === "refunded") {
    return { status: "refunded", consequences: status === "paid" ? ["revoke", "record_reversal"] : ["record_sale", "record_reversal"] }
  }
  return { status: target, consequences: [] }
}

/** The platform's fee on a sale, in minor units, rounded half up: the seller's net is the rest. */
export const platformFee = (gross: number, feePercent: number) => Math.floor((gross * feePercent) / 100 + 0.5)

export class Order extends Schema.Class<Order>("Order")({
  id: OrderId,
  buyerId: UserId,
  productId: ProductId,
  sellerId: UserId,
  amount: Schema.Int,
  currency: Schema.String,
  status: OrderStatus,
  provider: Schema.Literals(["manual", "stripe"]),
  /** The provider's own reference (a Checkout Session id). */
  providerRef: Schema.Option(Schema.String),
  checkoutUrl: Schema.Option(Schema.String),
  /** The activation limit of the license this order grants: the product's when it was ordered. */
  licenseActivationLimit: Schema.Int,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}

export const LicenseId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("LicenseId"))
export type LicenseId = typeof LicenseId.Type

/** The key a buyer activates the product with; revoked when the order is refunded. */
export class License extends Schema.Class<License>("License")({
  id: LicenseId,
  orderId: OrderId,
  productId: ProductId,
  buyerId: UserId,
  key: Schema.String,
  activationLimit: Schema.Int,
  status: Schema.Literals(["active", "revoked"]),
  createdAt: Schema.DateTimeUtc
}) {}

/** A line of a seller's ledger: a sale (positive) or its reversal (the same amounts, negative). */
export class LedgerEntry extends Schema.Class<LedgerEntry>("LedgerEntry")({
  id: Schema.String.check(Schema.isUUID()),
  sellerId: UserId,
  orderId: OrderId,
  productId: ProductId,
  kind: Schema.Literals(["sale", "reversal"]),
  gross: Schema.Int,
  fee: Schema.Int,
  net: Schema.Int,
  currency: Schema.String,
  createdAt: Schema.DateTimeUtc
}) {}

/** The ledger lines a consequence writes for an order: a reversal mirrors the sale exactly. */
export const ledgerAmounts = (amount: number, feePercent: number, kind: "sale" | "reversal") => {
  const fee = platformFee(amount, feePercent)
  const sign = kind === "sale" ? 1 : -1
  return { gross: sign * amount, fee: sign * fee, net: sign * (amount - fee) }
}

/** License keys people type: five groups of five from an alphabet without look-alikes. */
export const LICENSE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
export const formatLicenseKey = (raw: string) => (raw.match(/.{1,5}/g) ?? []).join("-")

/**
 * A refund of an order confirmed by hand: the administrator's word that the money went back, final
 * at once (no provider to hear from later).
 */
export const manualRefund = (orderId: OrderId) => ({ refundRef: `manual:refund:${orderId}`, settled: true })

/** A purchase that cannot be made: one's own product, or one already owned. */
export class PurchaseRefused extends Schema.TaggedError<PurchaseRefused>()("PurchaseRefused", { reason: Schema.String }) {}

/** A step the order's status does not allow (paying an expired order, refunding an unpaid one): 409. */
export class InvalidOrderTransition extends Schema.TaggedError<InvalidOrderTransition>()("InvalidOrderTransition", {
  action: Schema.String,
  status: OrderStatus,
  reason: Schema.String
}) {}
