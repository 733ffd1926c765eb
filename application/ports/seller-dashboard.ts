import { Context, type DateTime, type Effect } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { SellerDashboard } from "../../domain/marketplace/dashboard.js"
import type { StorageUnavailable } from "./errors.js"

/** A seller's figures, computed where the ledger is; the window is [since, now]. */
export class SellerDashboardReader extends Context.Service<SellerDashboardReader, {
  readonly forSeller: (sellerId: UserId, since: DateTime.Utc) => Effect.Effect<SellerDashboard, StorageUnavailable>
}>()("SellerDashboardReader") {}
