import { DateTime, Effect } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { averageRating, dashboardSince } from "../../domain/marketplace/dashboard.js"
import { SellerDashboardReader } from "../ports/seller-dashboard.js"

/** The caller's figures as a seller over the last `days` UTC days (empty for someone who sells nothing). */
export const sellerDashboard = Effect.fn("Marketplace.sellerDashboard")(function*(actor: Actor, days: number) {
  const since = dashboardSince(yield* DateTime.now, days)
  const figures = yield* (yield* SellerDashboardReader).forSeller(actor.userId, since)
  return { ...figures, since, averageRating: averageRating(figures.ratings) }
})
