import { Context, DateTime, type Effect, type Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { Product, ProductId, ProductStatus } from "../../domain/marketplace/product.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

export type CatalogueSort = "newest" | "price_asc" | "price_desc" | "rating" | "sales"

export interface CatalogueFilter {
  /** Web-search syntax over title, description and category. */
  readonly q: Option.Option<string>
  readonly category: Option.Option<string>
  readonly minPrice: Option.Option<number>
  readonly maxPrice: Option.Option<number>
  readonly currency: Option.Option<string>
}

/** The sort key a catalogue cursor carries: the sorted value (as a number) and the id. */
export const sortKey = (p: Product, sort: CatalogueSort): number => {
  switch (sort) {
    case "newest":
      return DateTime.toEpochMillis(p.createdAt)
    case "price_asc":
    case "price_desc":
      return p.price
    case "rating":
      return p.ratingAverage
    case "sales":
      return p.salesCount
  }
}

export class ProductRepository extends Context.Service<ProductRepository, {
  readonly insert: (product: Product) => Effect.Effect<void, StorageUnavailable>
  readonly findById: (id: ProductId) => Effect.Effect<Option.Option<Product>, StorageUnavailable>
  /**
   * Writes the product's fields but not rating_average, rating_count and sales_count: those are derived
   * from the reviews (ReviewRepository.refreshRating) and the orders (OrderRepository.countSale), and an
   * edit must not write back a figure it read before a concurrent review or sale changed it.
   */
  readonly update: (product: Product) => Effect.Effect<void, StorageUnavailable>
  /** Approved products only, filtered and sorted (ties by id); keyset `after` on (sort key, id); limit + 1 rows. */
  readonly catalogue: (filter: CatalogueFilter, sort: CatalogueSort, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Product>, StorageUnavailable>
  /** A seller's products (any status but archived unless asked), newest first; limit + 1 rows. */
  readonly bySeller: (sellerId: UserId, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Product>, StorageUnavailable>
  /** Products in a status, oldest first (the review queue); limit + 1 rows. */
  readonly byStatus: (status: ProductStatus, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Product>, StorageUnavailable>
  /** Categories of approved products, with their counts, most products first. */
  readonly categories: Effect.Effect<ReadonlyArray<{ readonly category: string; readonly count: number }>, StorageUnavailable>
}>()("ProductRepository") {}
