import { DateTime, Effect, Layer, Option } from "effect"
import { OrderRepository } from "../../application/ports/orders.js"
import { ProductRepository } from "../../application/ports/product-repository.js"
import { SellerDashboardReader } from "../../application/ports/seller-dashboard.js"
import { DASHBOARD_TOP_PRODUCTS } from "../../domain/marketplace/dashboard.js"
import type { LedgerEntry } from "../../domain/marketplace/order.js"

const byKey = <K extends string>(entries: ReadonlyArray<LedgerEntry>, key: (e: LedgerEntry) => K) => {
  const groups = new Map<K, Array<LedgerEntry>>()
  for (const e of entries) groups.set(key(e), [...(groups.get(key(e)) ?? []), e])
  return [...groups]
}
const sum = (entries: ReadonlyArray<LedgerEntry>, f: (e: LedgerEntry) => number) => entries.reduce((n, e) => n + f(e), 0)
const salesOf = (entries: ReadonlyArray<LedgerEntry>) => sum(entries, (e) => (e.kind === "sale" ? 1 : -1))
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** For tests only: the SQL adapter's figures folded over the in-memory ledger and products. */
export const SellerDashboardMemory = Layer.effect(
  SellerDashboardReader,
  Effect.gen(function*() {
    const orders = yield* OrderRepository
    const products = yield* ProductRepository
    return SellerDashboardReader.of({
      forSeller: (sellerId, since) =>
        Effect.gen(function*() {
          const ledger = (yield* orders.ledgerOf(sellerId)).filter((e) => DateTime.isGreaterThanOrEqualTo(e.createdAt, since))
          const own = yield* products.bySeller(sellerId, Option.none(), Number.MAX_SAFE_INTEGER - 1)
          const titles = new Map(own.map((p) => [p.id as string, p.title]))
          const day = (e: LedgerEntry) => DateTime.formatIso(e.createdAt).slice(0, 10)
          return {
            currencyTotals: byKey(ledger, (e) => e.currency).sort(([a], [b]) => compare(a, b)).map(([currency, es]) => ({
              currency,
              salesCount: salesOf(es),
              refundsCount: es.filter((e) => e.kind === "reversal").length,
              gross: sum(es, (e) => e.gross),
              fees: sum(es, (e) => e.fee),
              net: sum(es, (e) => e.net),
              refundedGross: 0 - sum(es.filter((e) => e.kind === "reversal"), (e) => e.gross)
            })),
            ratings: { count: own.reduce((n, p) => n + p.ratingCount, 0), weightedSum: own.reduce((n, p) => n + p.ratingAverage * p.ratingCount, 0) },
            revenuePerDay: byKey(ledger, (e) => `${day(e)} ${e.currency}`).sort(([a], [b]) => compare(a, b)).map(([k, es]) => ({
              date: k.slice(0, 10),
              currency: k.slice(11),
              gross: sum(es, (e) => e.gross),
              net: sum(es, (e) => e.net),
              sales: salesOf(es)
            })),
            topProducts: byKey(ledger, (e) => `${e.productId} ${e.currency}`)
              .map(([, es]) => ({ productId: es[0]!.productId, title: titles.get(es[0]!.productId) ?? "", currency: es[0]!.currency, sales: salesOf(es), net: sum(es, (e) => e.net) }))
              .sort((a, b) => b.net - a.net || compare(a.productId, b.productId) || compare(a.currency, b.currency))
              .slice(0, DASHBOARD_TOP_PRODUCTS)
          }
        })
    })
  })
)
