import { SqlClient, SqlSchema, type Statement } from "effect/sql"
import { Array as Arr, DateTime, Effect, Layer, Option, Schema } from "effect"
import { OrderRepository } from "../../application/ports/orders.js"
import { UserId } from "../../domain/identity/user.js"
import { LedgerEntry, License, LicenseId, Order, OrderId, OrderStatus } from "../../domain/marketplace/order.js"
import { ProductId } from "../../domain/marketplace/product.js"
import { allRows, firstRow, Int8, intoClass, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const OrderRow = Row({
  id: OrderId,
  buyerId: UserId,
  productId: ProductId,
  sellerId: UserId,
  amount: Int8,
  currency: Schema.String,
  status: OrderStatus,
  provider: Schema.Literals(["manual", "stripe"]),
  providerRef: Schema.OptionFromNullOr(Schema.String),
  checkoutUrl: Schema.OptionFromNullOr(Schema.String),
  licenseActivationLimit: Schema.Int,
  createdAt: Timestamp,
  updatedAt: Timestamp
}).pipe(intoClass(Order))
const order = firstRow(OrderRow)
const decodeOrder = Schema.decodeUnknownEffect(OrderRow)
const orders = allRows(OrderRow)

export const LicenseRow = Row({
  id: LicenseId,
  orderId: OrderId,
  productId: ProductId,
  buyerId: UserId,
  key: Schema.String,
  activationLimit: Schema.Int,
  status: Schema.Literals(["active", "revoked"]),
  createdAt: Timestamp
}).pipe(intoClass(License))
const licenses = allRows(LicenseRow)

const LedgerRow = Row({
  id: Schema.String,
  sellerId: UserId,
  orderId: OrderId,
  productId: ProductId,
  kind: Schema.Literals(["sale", "reversal"]),
  gross: Int8,
  fee: Int8,
  net: Int8,
  currency: Schema.String,
  createdAt: Timestamp
}).pipe(intoClass(LedgerEntry))
const ledger = allRows(LedgerRow)

const paid = firstRow(Row({ paid: Schema.Boolean }))
const encodeLicense = Schema.encodeEffect(LicenseRow)
const encodeLedger = Schema.encodeEffect(Schema.Array(LedgerRow))

export const OrderRepositorySql = Layer.effect(
  OrderRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const date = DateTime.toDateUtc
    // At most one open (pending or paid) order per buyer and product: a second one is not inserted.
    const insert = SqlSchema.findAll({
      Request: OrderRow,
      Result: Row({ id: OrderId }),
      execute: (row) =>
        sql`INSERT INTO orders ${sql.insert(row)} ON CONFLICT (buyer_id, product_id) WHERE status IN ('pending', 'paid') DO NOTHING RETURNING id`
    })
    const issueLicense = SqlSchema.void({ Request: LicenseRow, execute: (row) => sql`INSERT INTO licenses ${sql.insert(row)}` })
    const addLedgerEntry = SqlSchema.void({ Request: LedgerRow, execute: (row) => sql`INSERT INTO ledger_entries ${sql.insert(row)}` })
    return OrderRepository.of({
      insert: (o) => insert(o).pipe(Effect.map((rows) => rows.length === 1), orStorageFailure),
      findById: (id) => order(sql`SELECT * FROM orders WHERE id = ${id}`).pipe(orStorageFailure),
      findForUpdate: (id) => order(sql`SELECT * FROM orders WHERE id = ${id} FOR UPDATE`).pipe(orStorageFailure),
      setStatus: (id, status, at) => sql`UPDATE orders SET status = ${status}, updated_at = ${date(at)} WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      setCheckout: (id, ref, url) =>
        sql`UPDATE orders SET provider_ref = ${ref}, checkout_url = ${Option.getOrNull(url)} WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      pendingBefore: (before, limit) =>
        orders(sql`SELECT * FROM orders WHERE status = 'pending' AND created_at < ${date(before)} ORDER BY created_at, id LIMIT ${limit}`).pipe(
          orStorageFailure
        ),
      openOrder: (buyerId, productId) =>
        order(sql`SELECT * FROM orders WHERE buyer_id = ${buyerId} AND product_id = ${productId} AND status IN ('pending', 'paid') LIMIT 1`).pipe(
          orStorageFailure
        ),
      hasPaidOrder: (buyerId, productId) =>
        paid(sql`SELECT EXISTS (SELECT 1 FROM orders WHERE buyer_id = ${buyerId} AND product_id = ${productId} AND status = 'paid') AS paid`).pipe(
          Effect.map(Option.exists((r) => r.paid)),
          orStorageFailure
        ),
      byBuyer: (buyerId, after, limit) =>
        orders(sql`SELECT * FROM orders WHERE ${
          sql.and([sql`buyer_id = ${buyerId}`, ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)`))])
        } ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`).pipe(orStorageFailure),
      // The event is noted only for an order that exists; a second delivery of it waits on the first's
      // insert, then finds the conflict. The order's lock is taken after, so the status read is the
      // one the previous event of the order left.
      lockForEvent: (orderId, eventId) =>
        sql<{ readonly fresh: boolean }>`WITH noted AS (
              INSERT INTO payment_events (id, order_id) SELECT ${eventId}, id FROM orders WHERE id = ${orderId}
              ON CONFLICT (id) DO NOTHING RETURNING id
            )
            SELECT o.*, EXISTS (SELECT 1 FROM noted) AS fresh FROM orders o WHERE o.id = ${orderId} FOR UPDATE OF o`.pipe(
          Effect.flatMap((rows) =>
            rows.length === 0
              ? Effect.succeedNone
              : Effect.map(decodeOrder(rows[0]), (order) => Option.some({ order, fresh: rows[0]!.fresh === true }))),
          orStorageFailure
        ),
      forgetEvent: (eventId) => sql`DELETE FROM payment_events WHERE id = ${eventId}`.pipe(Effect.asVoid, orStorageFailure),
      issueLicense: (l) => issueLicense(l).pipe(orStorageFailure),
      revokeLicenses: (orderId) => sql`UPDATE licenses SET status = 'revoked' WHERE order_id = ${orderId}`.pipe(Effect.asVoid, orStorageFailure),
      licensesOf: (buyerId) => licenses(sql`SELECT * FROM licenses WHERE buyer_id = ${buyerId} ORDER BY created_at, id`).pipe(orStorageFailure),
      addLedgerEntry: (e) => addLedgerEntry(e).pipe(orStorageFailure),
      ledgerOf: (sellerId) =>
        ledger(sql`SELECT * FROM ledger_entries WHERE seller_id = ${sellerId} ORDER BY created_at, kind = 'reversal', id`).pipe(orStorageFailure),
      countSale: (productId, delta) =>
        sql`UPDATE products SET sales_count = sales_count + ${delta} WHERE id = ${productId}`.pipe(Effect.asVoid, orStorageFailure),
      writeEffects: (effects) =>
        Effect.gen(function*() {
          const writes: Array<Statement.Statement<unknown>> = []
          if (Option.isSome(effects.status)) {
            const { at, status } = effects.status.value
            writes.push(sql`UPDATE orders SET status = ${status}, updated_at = ${date(at)} WHERE id = ${effects.orderId}`)
          }
          if (effects.revokeLicenses) writes.push(sql`UPDATE licenses SET status = 'revoked' WHERE order_id = ${effects.orderId}`)
          if (Option.isSome(effects.license)) writes.push(sql`INSERT INTO licenses ${sql.insert(yield* encodeLicense(effects.license.value))}`)
          const entries = yield* encodeLedger(effects.ledgerEntries)
          if (Arr.isReadonlyArrayNonEmpty(entries)) writes.push(sql`INSERT INTO ledger_entries ${sql.insert(entries)}`)
          // Last: the product's row is shared by all its orders, and is locked from here to the commit.
          if (effects.salesDelta !== 0) writes.push(sql`UPDATE products SET sales_count = sales_count + ${effects.salesDelta} WHERE id = ${effects.productId}`)
          if (writes.length === 0) return
          // One statement: the writes but the last as data-modifying WITH parts (PostgreSQL runs every
          // one of them, referenced or not), the last as its main statement. They touch different
          // rows (no event both grants and revokes), so seeing one snapshot changes nothing.
          const last = writes.at(-1)!
          const parts = writes.slice(0, -1).map((write, i) => sql`${sql.literal(`w${i}`)} AS (${write})`)
          yield* (parts.length === 0 ? last : sql`WITH ${sql.csv(parts)} ${last}`)
        }).pipe(orStorageFailure)
    })
  })
)
