import { DateTime } from "effect"
import type { ProductId } from "./product.js"

/**
 * A seller's figures over a window, read from the ledger. Money of different currencies is never
 * added together: every money figure is per currency. Counts are of ledger lines in the window: a
 * sale counts +1 and a reversal -1 (a sale reversed within the window counts 0), so a reversal of an
 * older sale can make a day's or a window's count negative.
 */
export interface CurrencyTotals {
  readonly currency: string
  /** Sales in the window less reversals in the window. */
  readonly salesCount: number
  /** Reversals (refunds) in the window. */
  readonly refundsCount: number
  /** Sums of the ledger lines: sales less their reversals. */
  readonly gross: number
  readonly fees: number
  readonly net: number
  /** What the refunds in the window took back, as a positive amount. */
  readonly refundedGross: number
}

export interface SellerDashboard {
  /** One row per currency with ledger lines in the window, by currency code. */
  readonly currencyTotals: ReadonlyArray<CurrencyTotals>
  /** Over all the seller's products (any status), whatever the window: Σ rating_count and Σ rating_average × rating_count. */
  readonly ratings: { readonly count: number; readonly weightedSum: number }
  /** UTC days with ledger lines, oldest first, then by currency; days without lines are left out. */
  readonly revenuePerDay: ReadonlyArray<{ readonly date: string; readonly currency: string; readonly gross: number; readonly net: number; readonly sales: number }>
  /** The products (per currency) with the highest net in the window, at most DASHBOARD_TOP_PRODUCTS; ties by product id. */
  readonly topProducts: ReadonlyArray<{ readonly productId: ProductId; readonly title: string; readonly currency: string; readonly sales: number; readonly net: number }>
}

export const DASHBOARD_TOP_PRODUCTS = 5

/** The window of the last `days` UTC days, today included, starts at midnight UTC of the first. */
export const dashboardSince = (now: DateTime.Utc, days: number): DateTime.Utc =>
  DateTime.subtract(DateTime.startOf(now, "day"), { days: days - 1 })

/** The weighted mean of the products' ratings, to two decimals; none before the first rating. */
export const averageRating = (ratings: SellerDashboard["ratings"]): number | null =>
  ratings.count === 0 ? null : Math.round((ratings.weightedSum / ratings.count) * 100) / 100
