import { Context, type Effect, type Option } from "effect"
import type { ProductId } from "../../domain/marketplace/product.js"
import type { AlreadyReviewed, Review, ReviewId } from "../../domain/marketplace/review.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

/** Product reviews, one per (product, author), and the product's rating summary derived from them. */
export class ReviewRepository extends Context.Service<ReviewRepository, {
  /** Fails AlreadyReviewed when the author already reviewed the product (the store's unique key decides, so races cannot slip two in). */
  readonly insert: (review: Review) => Effect.Effect<void, AlreadyReviewed | StorageUnavailable>
  readonly findById: (id: ReviewId) => Effect.Effect<Option.Option<Review>, StorageUnavailable>
  /** Stores the rating, text and updated_at of an existing review. */
  readonly update: (review: Review) => Effect.Effect<void, StorageUnavailable>
  readonly delete: (id: ReviewId) => Effect.Effect<void, StorageUnavailable>
  /** A product's reviews, newest first by (created_at, id); keyset `after`; limit + 1 rows. */
  readonly byProduct: (productId: ProductId, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Review>, StorageUnavailable>
  /**
   * Holds the product's row lock until the transaction ends: review writes of one product then run
   * one after another, and each recompute sees the reviews the others committed.
   */
  readonly lockProduct: (productId: ProductId) => Effect.Effect<void, StorageUnavailable>
  /**
   * Recomputes the product's rating_average and rating_count from its stored reviews (never
   * incrementally, so they cannot drift); call it in the transaction of the review write.
   */
  readonly refreshRating: (productId: ProductId) => Effect.Effect<void, StorageUnavailable>
}>()("ReviewRepository") {}
