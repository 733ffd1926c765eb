import { expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import * as fc from "fast-check"
import { OrderRepository } from "../../application/ports/orders.js"
import type { ProductRepository } from "../../application/ports/product-repository.js"
import { SellerDashboardReader } from "../../application/ports/seller-dashboard.js"
import type { UserRepository } from "../../application/ports/user-repository.js"
import { dashboardSince, type SellerDashboard } from "../../domain/marketplace/dashboard.js"
import { LedgerEntry, ledgerAmounts, Order, OrderId } from "../../domain/marketplace/order.js"
import type { Product } from "../../domain/marketplace/product.js"
import { checkProperty } from "../support/fixtures.js"
import { approvedProduct, someone } from "../support/marketplace.js"

export type SellerDashboardPorts = SellerDashboardReader | OrderRepository | ProductRepository | UserRepository

const NOW = DateTime.makeUnsafe("2026-03-15T12:34:56.789Z")
const DAY = 86_400_000

const Sale = fc.record({
  product: fc.integer({ min: 0, max: 3 }),
  currency: fc.constantFrom("usd", "eur"),
  amount: fc.integer({ min: 0, max: 250_000 }),
  /** How long before NOW it was sold, within 100 days. */
  ago: fc.integer({ min: 0, max: 100 * DAY - 1 }),
  /** A refund this long after the sale (never after NOW), or none. */
  refundAfter: fc.option(fc.integer({ min: 0, max: 20 * DAY }), { nil: undefined })
})
const Rating = fc.record({ average: fc.integer({ min: 10, max: 50 }).map((n) => n / 10), count: fc.integer({ min: 0, max: 40 }) })
const Scenario = fc.record({
  sales: fc.array(Sale, { maxLength: 24 }),
  ratings: fc.array(Rating, { minLength: 4, maxLength: 4 }),
  feePercent: fc.integer({ min: 0, max: 30 })
})

/** The figures, folded the plain way over the same lines: what every adapter must answer. */
const fold = (ledger: ReadonlyArray<LedgerEntry>, products: ReadonlyArray<Product>, since: DateTime.Utc): SellerDashboard => {
  const lines = ledger.filter((e) => e.createdAt.epochMilliseconds >= since.epochMilliseconds)
  const total = (es: ReadonlyArray<LedgerEntry>, f: (e: LedgerEntry) => number) => es.reduce((n, e) => n + f(e), 0)
  const count = (es: ReadonlyArray<LedgerEntry>, kind: LedgerEntry["kind"]) => es.filter((e) => e.kind === kind).length
  const day = (e: LedgerEntry) => new Date(e.createdAt.epochMilliseconds).toISOString().slice(0, 10)
  const currencies = [...new Set(lines.map((e) => e.currency))].sort()
  const days = [...new Set(lines.map(day))].sort()
  const top = products.flatMap((p) =>
    currencies.flatMap((currency) => {
      const es = lines.filter((e) => e.productId === p.id && e.currency === currency)
      return es.length === 0 ? [] : [{ productId: p.id, title: p.title, currency, sales: count(es, "sale") - count(es, "reversal"), net: total(es, (e) => e.net) }]
    })
  )
  return {
    currencyTotals: currencies.map((currency) => {
      const es = lines.filter((e) => e.currency === currency)
      return {
        currency,
        salesCount: count(es, "sale") - count(es, "reversal"),
        refundsCount: count(es, "reversal"),
        gross: total(es, (e) => e.gross),
        fees: total(es, (e) => e.fee),
        net: total(es, (e) => e.net),
        refundedGross: 0 - total(es.filter((e) => e.kind === "reversal"), (e) => e.gross)
      }
    }),
    ratings: { count: products.reduce((n, p) => n + p.ratingCount, 0), weightedSum: products.reduce((n, p) => n + p.ratingAverage * p.ratingCount, 0) },
    revenuePerDay: days.flatMap((date) =>
      currencies.flatMap((currency) => {
        const es = lines.filter((e) => day(e) === date && e.currency === currency)
        return es.length === 0 ? [] : [{ date, currency, gross: total(es, (e) => e.gross), net: total(es, (e) => e.net), sales: count(es, "sale") - count(es, "reversal") }]
      })
    ),
    topProducts: top.sort((a, b) => b.net - a.net || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.currency < b.currency ? -1 : 1)).slice(0, 5)
  }
}

const expectSame = (actual: SellerDashboard, expected: SellerDashboard) => {
  expect(actual.currencyTotals).toEqual(expected.currencyTotals)
  expect(actual.revenuePerDay).toEqual(expected.revenuePerDay)
  expect(actual.topProducts).toEqual(expected.topProducts)
  expect(actual.ratings.count).toBe(expected.ratings.count)
  expect(actual.ratings.weightedSum).toBeCloseTo(expected.ratings.weightedSum, 9)
}

/** Writes a sale (and its refund) as fulfilment does: an order, then the ledger lines. */
type Sale = typeof Sale extends fc.Arbitrary<infer T> ? T : never
/** Each sale has a buyer of its own: a buyer holds at most one open order of a product. */
const sell = (sellerId: Order["sellerId"], product: Product, sale: Sale, feePercent: number) =>
  Effect.gen(function*() {
    const orders = yield* OrderRepository
    const buyerId = (yield* someone).userId
    const soldAt = DateTime.makeUnsafe(NOW.epochMilliseconds - sale.ago)
    const order = new Order({
      id: OrderId.make(crypto.randomUUID()), buyerId, productId: product.id, sellerId, amount: sale.amount, currency: sale.currency,
      status: sale.refundAfter === undefined ? "paid" : "refunded", provider: "manual", providerRef: Option.none(), checkoutUrl: Option.none(),
      licenseActivationLimit: product.licenseActivationLimit, createdAt: soldAt, updatedAt: soldAt
    })
    yield* orders.insert(order)
    const line = (kind: LedgerEntry["kind"], at: DateTime.Utc) =>
      new LedgerEntry({
        id: crypto.randomUUID(), sellerId, orderId: order.id, productId: product.id, kind,
        ...ledgerAmounts(sale.amount, feePercent, kind), currency: sale.currency, createdAt: at
      })
    const lines = [line("sale", soldAt)]
    if (sale.refundAfter !== undefined) lines.push(line("reversal", DateTime.makeUnsafe(Math.min(NOW.epochMilliseconds, soldAt.epochMilliseconds + sale.refundAfter))))
    yield* Effect.forEach(lines, orders.addLedgerEntry, { discard: true })
    return lines
  })

export const sellerDashboardContract = (it: Vitest.MethodsNonLive<SellerDashboardPorts>) => {
  it.effect(
    "SellerDashboardReader: every figure equals a plain fold of the seller's ledger, to the cent, for 1, 30, 90 and 365 days",
    () =>
      checkProperty(Scenario, (scenario) =>
        Effect.gen(function*() {
          const seller = yield* someone
          const products = yield* Effect.forEach(scenario.ratings, (r, i) =>
            approvedProduct(seller.userId, { title: `Product ${i}`, ratingAverage: r.average, ratingCount: r.count }))
          const ledger = (yield* Effect.forEach(scenario.sales, (s) => sell(seller.userId, products[s.product]!, s, scenario.feePercent))).flat()
          // Another seller's sales never show.
          const other = yield* someone
          yield* sell(other.userId, yield* approvedProduct(other.userId), { product: 0, currency: "usd", amount: 999, ago: 0, refundAfter: undefined }, 10)

          const reader = yield* SellerDashboardReader
          for (const days of [1, 30, 90, 365]) {
            const since = dashboardSince(NOW, days)
            expectSame(yield* reader.forSeller(seller.userId, since), fold(ledger, products, since))
          }
        }), { numRuns: 25 })
  )

  it.effect("SellerDashboardReader: the window starts at midnight UTC of its first day, inclusive", () =>
    Effect.gen(function*() {
      const seller = yield* someone
      const product = yield* approvedProduct(seller.userId)
      const since = dashboardSince(NOW, 30)
      expect(DateTime.formatIso(since)).toBe("2026-02-14T00:00:00.000Z")
      const justIn = NOW.epochMilliseconds - since.epochMilliseconds
      yield* sell(seller.userId, product, { product: 0, currency: "eur", amount: 1000, ago: justIn, refundAfter: undefined }, 10)
      yield* sell(seller.userId, product, { product: 0, currency: "eur", amount: 5000, ago: justIn + 1, refundAfter: undefined }, 10)
      const figures = yield* (yield* SellerDashboardReader).forSeller(seller.userId, since)
      expect(figures.currencyTotals).toEqual([{ currency: "eur", salesCount: 1, refundsCount: 0, gross: 1000, fees: 100, net: 900, refundedGross: 0 }])
      expect(figures.revenuePerDay).toEqual([{ date: "2026-02-14", currency: "eur", gross: 1000, net: 900, sales: 1 }])
      expect(figures.topProducts).toEqual([{ productId: product.id, title: product.title, currency: "eur", sales: 1, net: 900 }])
      expect(figures.ratings).toEqual({ count: 0, weightedSum: 0 })
    }))
}
