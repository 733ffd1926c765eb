import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { OrderRepository } from "../../application/ports/orders.js"
import { UserId } from "../../domain/identity/user.js"
import { LedgerEntry, License, LicenseId, Order, OrderId, OrderStatus } from "../../domain/marketplace/order.js"
import { ProductId } from "../../domain/marketplace/product.js"
import { orStorageFailure } from "./storage-errors.js"

const Money = Schema.Union(Schema.Number, Schema.NumberFromString)
const OrderRow = Schema.Struct({
  id: Schema.String,
  buyer_id: Schema.String,
  product_id: Schema.String,
  seller_id: Schema.String,
  amount: Money,
  currency: Schema.String,
  status: OrderStatus,
  provider: Schema.Literal("manual", "stripe"),
  provider_ref: Schema.NullOr(Schema.String),
  checkout_url: Schema.NullOr(Schema.String),
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf
})
const decodeOrders = Schema.decodeUnknown(Schema.Array(OrderRow))
const toOrder = (r: typeof OrderRow.Type) =>
  new Order({
    id: OrderId.make(r.id),
    buyerId: UserId.make(r.buyer_id),
    productId: ProductId.make(r.product_id),
    sellerId: UserId.make(r.seller_id),
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    provider: r.provider,
    providerRef: Option.fromNullable(r.provider_ref),
    checkoutUrl: Option.fromNullable(r.checkout_url),
    createdAt: DateTime.unsafeFromDate(r.created_at),
    updatedAt: DateTime.unsafeFromDate(r.updated_at)
  })
export const LicenseRow = Schema.Struct({
  id: Schema.String,
  order_id: Schema.String,
  product_id: Schema.String,
  buyer_id: Schema.String,
  key: Schema.String,
  activation_limit: Schema.Number,
  status: Schema.Literal("active", "revoked"),
  created_at: Schema.DateFromSelf
})
export const toLicense = (r: typeof LicenseRow.Type) =>
  new License({
    id: LicenseId.make(r.id),
    orderId: OrderId.make(r.order_id),
    productId: ProductId.make(r.product_id),
    buyerId: UserId.make(r.buyer_id),
    key: r.key,
    activationLimit: r.activation_limit,
    status: r.status,
    createdAt: DateTime.unsafeFromDate(r.created_at)
  })
const LedgerRow = Schema.Struct({
  id: Schema.String,
  seller_id: Schema.String,
  order_id: Schema.String,
  product_id: Schema.String,
  kind: Schema.Literal("sale", "reversal"),
  gross: Money,
  fee: Money,
  net: Money,
  currency: Schema.String,
  created_at: Schema.DateFromSelf
})

export const OrderRepositorySql = Layer.effect(
  OrderRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const date = DateTime.toDateUtc
    const firstOrder = (query: Effect.Effect<ReadonlyArray<unknown>, SqlError>) =>
      query.pipe(
        Effect.flatMap(decodeOrders),
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toOrder)),
        orStorageFailure
      )
    return {
      insert: (o) =>
        sql`INSERT INTO orders ${
          sql.insert({
            id: o.id,
            buyer_id: o.buyerId,
            product_id: o.productId,
            seller_id: o.sellerId,
            amount: o.amount,
            currency: o.currency,
            status: o.status,
            provider: o.provider,
            provider_ref: Option.getOrNull(o.providerRef),
            checkout_url: Option.getOrNull(o.checkoutUrl),
            created_at: date(o.createdAt),
            updated_at: date(o.updatedAt)
          })
        } ON CONFLICT (buyer_id, product_id) WHERE status IN ('pending', 'paid') DO NOTHING RETURNING id`.pipe(
          Effect.map((rows) => rows.length === 1),
          orStorageFailure
        ),
      findById: (id) => firstOrder(sql`SELECT * FROM orders WHERE id = ${id}`),
      findForUpdate: (id) => firstOrder(sql`SELECT * FROM orders WHERE id = ${id} FOR UPDATE`),
      setStatus: (id, status, at) => sql`UPDATE orders SET status = ${status}, updated_at = ${date(at)} WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      setCheckout: (id, ref, url) =>
        sql`UPDATE orders SET provider_ref = ${ref}, checkout_url = ${Option.getOrNull(url)} WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      pendingBefore: (before, limit) =>
        sql`SELECT * FROM orders WHERE status = 'pending' AND created_at < ${date(before)} ORDER BY created_at, id LIMIT ${limit}`.pipe(
          Effect.flatMap(decodeOrders),
          Effect.map((rows) => rows.map(toOrder)),
          orStorageFailure
        ),
      openOrder: (buyerId, productId) =>
        firstOrder(sql`SELECT * FROM orders WHERE buyer_id = ${buyerId} AND product_id = ${productId} AND status IN ('pending', 'paid') LIMIT 1`),
      hasPaidOrder: (buyerId, productId) =>
        sql<{ paid: boolean }>`SELECT EXISTS (SELECT 1 FROM orders WHERE buyer_id = ${buyerId} AND product_id = ${productId} AND status = 'paid') AS paid`.pipe(
          Effect.map((rows) => rows[0]?.paid === true),
          orStorageFailure
        ),
      byBuyer: (buyerId, after, limit) =>
        sql`SELECT * FROM orders WHERE ${
          sql.and([sql`buyer_id = ${buyerId}`, ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)`))])
        } ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`.pipe(Effect.flatMap(decodeOrders), Effect.map((rows) => rows.map(toOrder)), orStorageFailure),
      recordEvent: (eventId, orderId) =>
        sql`INSERT INTO payment_events (id, order_id) VALUES (${eventId}, ${orderId}) ON CONFLICT (id) DO NOTHING RETURNING id`.pipe(
          Effect.map((rows) => rows.length === 1),
          orStorageFailure
        ),
      issueLicense: (l) =>
        sql`INSERT INTO licenses ${
          sql.insert({
            id: l.id,
            order_id: l.orderId,
            product_id: l.productId,
            buyer_id: l.buyerId,
            key: l.key,
            activation_limit: l.activationLimit,
            status: l.status,
            created_at: date(l.createdAt)
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      revokeLicenses: (orderId) => sql`UPDATE licenses SET status = 'revoked' WHERE order_id = ${orderId}`.pipe(Effect.asVoid, orStorageFailure),
      licensesOf: (buyerId) =>
        sql`SELECT * FROM licenses WHERE buyer_id = ${buyerId} ORDER BY created_at, id`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(LicenseRow))),
          Effect.map((rows) => rows.map(toLicense)),
          orStorageFailure
        ),
      addLedgerEntry: (e) =>
        sql`INSERT INTO ledger_entries ${
          sql.insert({
            id: e.id,
            seller_id: e.sellerId,
            order_id: e.orderId,
            product_id: e.productId,
            kind: e.kind,
            gross: e.gross,
            fee: e.fee,
            net: e.net,
            currency: e.currency,
            created_at: date(e.createdAt)
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      ledgerOf: (sellerId) =>
        sql`SELECT * FROM ledger_entries WHERE seller_id = ${sellerId} ORDER BY created_at, kind = 'reversal', id`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(LedgerRow))),
          Effect.map((rows) =>
            rows.map((r) =>
              new LedgerEntry({
                id: r.id,
                sellerId: UserId.make(r.seller_id),
                orderId: OrderId.make(r.order_id),
                productId: ProductId.make(r.product_id),
                kind: r.kind,
                gross: r.gross,
                fee: r.fee,
                net: r.net,
                currency: r.currency,
                createdAt: DateTime.unsafeFromDate(r.created_at)
              })
            )
          ),
          orStorageFailure
        ),
      countSale: (productId, delta) =>
        sql`UPDATE products SET sales_count = sales_count + ${delta} WHERE id = ${productId}`.pipe(Effect.asVoid, orStorageFailure)
    }
  })
)
