import { SqlClient } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { SellerDashboardReader } from "../../application/ports/seller-dashboard.js"
import { DASHBOARD_TOP_PRODUCTS } from "../../domain/marketplace/dashboard.js"
import { ProductId } from "../../domain/marketplace/product.js"
import { allRows, firstRow, Int8, Numeric, Row } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

// Counts are bigints and sums of the bigint money columns numerics: both are numbers here, since
// ledger sums stay far below 2^53.
const totals = allRows(Row({
  currency: Schema.String,
  salesCount: Int8,
  refundsCount: Int8,
  gross: Numeric,
  fees: Numeric,
  net: Numeric,
  refundedGross: Numeric
}))
const ratings = firstRow(Row({ count: Int8, weightedSum: Schema.Number }))
const perDay = allRows(Row({ date: Schema.String, currency: Schema.String, gross: Numeric, net: Numeric, sales: Int8 }))
const top = allRows(Row({ productId: ProductId, title: Schema.String, currency: Schema.String, sales: Int8, net: Numeric }))

const sales = "count(*) FILTER (WHERE kind = 'sale') - count(*) FILTER (WHERE kind = 'reversal')"

/** Each figure is one aggregate query over the seller's ledger lines in the window (index on seller and date). */
export const SellerDashboardSql = Layer.effect(
  SellerDashboardReader,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return SellerDashboardReader.of({
      forSeller: (sellerId, sinceUtc) => {
        const since = DateTime.toDateUtc(sinceUtc)
        return Effect.all({
          currencyTotals: totals(sql`
            SELECT currency, ${sql.literal(sales)} AS sales_count, count(*) FILTER (WHERE kind = 'reversal') AS refunds_count,
                   sum(gross) AS gross, sum(fee) AS fees, sum(net) AS net,
                   coalesce(-sum(gross) FILTER (WHERE kind = 'reversal'), 0) AS refunded_gross
            FROM ledger_entries WHERE seller_id = ${sellerId} AND created_at >= ${since}
            GROUP BY currency ORDER BY currency`),
          ratings: ratings(sql`
            SELECT coalesce(sum(rating_count), 0) AS count, coalesce(sum(rating_average * rating_count), 0) AS weighted_sum
            FROM products WHERE seller_id = ${sellerId}`).pipe(Effect.map(Option.getOrElse(() => ({ count: 0, weightedSum: 0 })))),
          revenuePerDay: perDay(sql`
            SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, currency,
                   sum(gross) AS gross, sum(net) AS net, ${sql.literal(sales)} AS sales
            FROM ledger_entries WHERE seller_id = ${sellerId} AND created_at >= ${since}
            GROUP BY 1, currency ORDER BY 1, currency`),
          topProducts: top(sql`
            SELECT l.product_id, p.title, l.currency, ${sql.literal(sales)} AS sales, sum(l.net) AS net
            FROM ledger_entries l JOIN products p ON p.id = l.product_id
            WHERE l.seller_id = ${sellerId} AND l.created_at >= ${since}
            GROUP BY l.product_id, p.title, l.currency ORDER BY sum(l.net) DESC, l.product_id, l.currency LIMIT ${DASHBOARD_TOP_PRODUCTS}`)
        }).pipe(orStorageFailure)
      }
    })
  })
)
