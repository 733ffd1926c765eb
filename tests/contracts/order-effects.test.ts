import { expect, layer, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Layer, Option } from "effect"
import { OrderRepository, type PaymentEffects } from "../../application/ports/orders.js"
import { ProductRepository } from "../../application/ports/product-repository.js"
import type { UserRepository } from "../../application/ports/user-repository.js"
import { OrderRepositoryMemory } from "../../adapters/in-memory/orders.memory.js"
import { ProductRepositoryMemory } from "../../adapters/in-memory/product-repository.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { OrderRepositorySql } from "../../adapters/sql/order-repository.sql.js"
import { ProductRepositorySql } from "../../adapters/sql/product-repository.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { LedgerEntry, ledgerAmounts, License, LicenseId, Order, OrderId } from "../../domain/marketplace/order.js"
import { PgliteTestDatabase, PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { approvedProduct, someone } from "../support/marketplace.js"

type Ports = OrderRepository | ProductRepository | UserRepository

const NOW = DateTime.makeUnsafe("2026-03-15T12:34:56.789Z")

/** OrderRepository.writeEffects: every part of a payment event's effects lands, in each combination fulfilment uses. */
const writeEffectsContract = (it: Vitest.MethodsNonLive<Ports>) => {
  const setup = Effect.gen(function*() {
    const orders = yield* OrderRepository
    const seller = yield* someone
    const buyer = yield* someone
    const product = yield* approvedProduct(seller.userId)
    const order = new Order({
      id: OrderId.make(crypto.randomUUID()), buyerId: buyer.userId, productId: product.id, sellerId: seller.userId, amount: 1999, currency: "usd",
      status: "pending", provider: "stripe", providerRef: Option.none(), checkoutUrl: Option.none(),
      licenseActivationLimit: product.licenseActivationLimit, createdAt: NOW, updatedAt: NOW
    })
    yield* orders.insert(order)
    const line = (kind: LedgerEntry["kind"]) =>
      new LedgerEntry({ id: crypto.randomUUID(), sellerId: seller.userId, orderId: order.id, productId: product.id, kind, ...ledgerAmounts(1999, 10, kind), currency: "usd", createdAt: NOW })
    const effects = (overrides: Partial<PaymentEffects>): PaymentEffects => ({
      orderId: order.id, productId: product.id, status: Option.none(), license: Option.none(), revokeLicenses: false, ledgerEntries: [], salesDelta: 0, ...overrides
    })
    const state = Effect.gen(function*() {
      return {
        status: Option.getOrThrow(yield* orders.findById(order.id)).status,
        licenses: (yield* orders.licensesOf(buyer.userId)).map((l) => l.status),
        ledger: (yield* orders.ledgerOf(seller.userId)).map((e) => e.kind),
        sales: Option.getOrThrow(yield* (yield* ProductRepository).findById(product.id)).salesCount
      }
    })
    return { order, product, buyer, line, effects, state, orders }
  })

  it.effect("writeEffects: paid (status, license, sale, counter), then refunded (status, revoke, reversal, counter)", () =>
    Effect.gen(function*() {
      const { buyer, effects, line, order, orders, product, state } = yield* setup
      const license = new License({ id: LicenseId.make(crypto.randomUUID()), orderId: order.id, productId: product.id, buyerId: buyer.userId, key: "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY", activationLimit: 3, status: "active", createdAt: NOW })
      yield* orders.writeEffects(effects({ status: Option.some({ status: "paid", at: NOW }), license: Option.some(license), ledgerEntries: [line("sale")], salesDelta: 1 }))
      expect(yield* state).toEqual({ status: "paid", licenses: ["active"], ledger: ["sale"], sales: 1 })
      yield* orders.writeEffects(effects({ status: Option.some({ status: "refunded", at: NOW }), revokeLicenses: true, ledgerEntries: [line("reversal")], salesDelta: -1 }))
      expect(yield* state).toEqual({ status: "refunded", licenses: ["revoked"], ledger: ["sale", "reversal"], sales: 0 })
    }))

  it.effect("writeEffects: refunded while pending (two ledger lines, the counter untouched), a status alone, and nothing at all", () =>
    Effect.gen(function*() {
      const { effects, line, orders, state } = yield* setup
      yield* orders.writeEffects(effects({}))
      expect(yield* state).toEqual({ status: "pending", licenses: [], ledger: [], sales: 0 })
      yield* orders.writeEffects(effects({ status: Option.some({ status: "expired", at: NOW }) }))
      expect((yield* state).status).toBe("expired")
      yield* orders.writeEffects(effects({ status: Option.some({ status: "refunded", at: NOW }), ledgerEntries: [line("sale"), line("reversal")] }))
      expect(yield* state).toEqual({ status: "refunded", licenses: [], ledger: ["sale", "reversal"], sales: 0 })
    }))

  it.effect("lockForEvent: the order with its event noted once; an unknown order notes nothing; forgetEvent takes a note back", () =>
    Effect.gen(function*() {
      const { order, orders } = yield* setup
      const event = `evt_${crypto.randomUUID()}`
      expect(yield* orders.lockForEvent(OrderId.make(crypto.randomUUID()), event)).toEqual(Option.none())
      const first = Option.getOrThrow(yield* orders.lockForEvent(order.id, event))
      expect(first.fresh).toBe(true)
      expect(first.order).toEqual(order)
      expect(Option.getOrThrow(yield* orders.lockForEvent(order.id, event)).fresh).toBe(false)
      yield* orders.forgetEvent(event)
      expect(Option.getOrThrow(yield* orders.lockForEvent(order.id, event)).fresh).toBe(true)
    }))
}

const InMemory = OrderRepositoryMemory.pipe(Layer.provideMerge(Layer.merge(ProductRepositoryMemory, UserRepositoryMemory)))
const Sql = Layer.mergeAll(OrderRepositorySql, ProductRepositorySql, UserRepositorySql)

layer(InMemory)("order effects, in memory", writeEffectsContract)
layer(Sql.pipe(Layer.provide(PgliteTestDatabase)), { timeout: "60 seconds" })("order effects, SQL on PGlite", writeEffectsContract)
const url = testDatabaseUrl()
if (url !== undefined) {
  layer(Sql.pipe(Layer.provide(PostgresTestDatabase(url))), { timeout: "60 seconds" })("order effects, SQL on PostgreSQL", writeEffectsContract)
}
