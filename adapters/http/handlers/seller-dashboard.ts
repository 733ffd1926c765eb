import { DateTime, Effect } from "effect"
import { sellerDashboard } from "../../../application/marketplace/dashboard.js"
import type { Actor } from "../../../domain/identity/actor.js"
import { httpErrors } from "../error-mapping.js"
import { DashboardResponse } from "../marketplace-schemas.js"

/** GET /marketplace/seller/dashboard: the seller's figures, snake_case, money in minor units. */
export const dashboard = (actor: Actor, days: number) =>
  sellerDashboard(actor, days).pipe(
    Effect.map((d) =>
      new DashboardResponse({
        days,
        since: DateTime.formatIso(d.since).slice(0, 10),
        currency_totals: d.currencyTotals.map((t) => ({
          currency: t.currency,
          sales_count: t.salesCount,
          refunds_count: t.refundsCount,
          gross: t.gross,
          fees: t.fees,
          net: t.net,
          refunded_gross: t.refundedGross
        })),
        average_rating: d.averageRating,
        rating_count: d.ratings.count,
        revenue_per_day: d.revenuePerDay,
        top_products: d.topProducts.map((p) => ({ product_id: p.productId, title: p.title, currency: p.currency, sales: p.sales, net: p.net }))
      })),
    httpErrors
  )
