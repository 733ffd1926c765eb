import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { SellerDashboardReader } from "../../application/ports/seller-dashboard.js"
import { DASHBOARD_TOP_PRODUCTS } from "../../domain/marketplace/dashboard.js"
import { ProductId } from "../../domain/marketplace/product.js"
import { orStorageFailure } from "./storage-errors.js"

// PostgreSQL answers bigint sums and counts as strings: Number() them (ledger sums stay far below 2^53).
type Num = string | number
const sales = "count(*) FILTER (WHERE kind = 'sale') - count(*) FILTER (WHERE kind = 'reversal')"

/** Each figure is one aggregate query over the seller's ledger lines in the window (index on seller and date). */
export const SellerDashboardSql = Layer.effect(
  SellerDashboardReader,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      forSeller: (sellerId, sinceUtc) => {
        const since = DateTime.toDateUtc(sinceUtc)
        return Effect.all({
          totals: sql<{ currency: string; sales_count: Num; refunds_count: Num; gross: Num; fees: Num; net: Num; refunded_gross: Num }>`
            SELECT currency, ${sql.literal(sales)} AS sales_count, count(*) FILTER (WHERE kind = 'reversal') AS refunds_count,
                   sum(gross) AS gross, sum(fee) AS fees, sum(net) AS net,
                   coalesce(-sum(gross) FILTER (WHERE kind = 'reversal'), 0) AS refunded_gross
            FROM ledger_entries WHERE seller_id = ${sellerId} AND created_at >= ${since}
            GROUP BY currency ORDER BY currency`,
          ratings: sql<{ count: Num; weighted_sum: Num }>`
            SELECT coalesce(sum(rating_count), 0) AS count, coalesce(sum(rating_average * rating_count), 0) AS weighted_sum
            FROM products WHERE seller_id = ${sellerId}`,
          perDay: sql<{ date: string; currency: string; gross: Num; net: Num; sales: Num }>`
            SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, currency,
                   sum(gross) AS gross, sum(net) AS net, ${sql.literal(sales)} AS sales
            FROM ledger_entries WHERE seller_id = ${sellerId} AND created_at >= ${since}
            GROUP BY 1, currency ORDER BY 1, currency`,
          top: sql<{ product_id: string; title: string; currency: string; sales: Num; net: Num }>`
            SELECT l.product_id::text AS product_id, p.title, l.currency, ${sql.literal(sales)} AS sales, sum(l.net) AS net
            FROM ledger_entries l JOIN products p ON p.id = l.product_id
            WHERE l.seller_id = ${sellerId} AND l.created_at >= ${since}
            GROUP BY l.product_id, p.title, l.currency ORDER BY sum(l.net) DESC, l.product_id, l.currency LIMIT ${DASHBOARD_TOP_PRODUCTS}`
        }).pipe(
          Effect.map((r) => ({
            currencyTotals: r.totals.map((t) => ({
              currency: t.currency,
              salesCount: Number(t.sales_count),
              refundsCount: Number(t.refunds_count),
              gross: Number(t.gross),
              fees: Number(t.fees),
              net: Number(t.net),
              refundedGross: Number(t.refunded_gross)
            })),
            ratings: { count: Number(r.ratings[0]?.count ?? 0), weightedSum: Number(r.ratings[0]?.weighted_sum ?? 0) },
            revenuePerDay: r.perDay.map((d) => ({ date: d.date, currency: d.currency, gross: Number(d.gross), net: Number(d.net), sales: Number(d.sales) })),
            topProducts: r.top.map((p) => ({ productId: ProductId.make(p.product_id), title: p.title, currency: p.currency, sales: Number(p.sales), net: Number(p.net) }))
          })),
          orStorageFailure
        )
      }
    }
  })
)
