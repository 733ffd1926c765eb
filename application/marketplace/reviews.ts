import { DateTime, Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { ProductId } from "../../domain/marketplace/product.js"
import { Review, ReviewId } from "../../domain/marketplace/review.js"
import { Forbidden, NotFound } from "../../domain/shared/errors.js"
import { Ids } from "../ports/ids.js"
import { OrderRepository } from "../ports/orders.js"
import { ReviewRepository } from "../ports/reviews.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { publicProduct } from "./products.js"

export interface ReviewInput {
  readonly rating: number
  readonly text: string
}

/**
 * Reviewing needs a currently paid order. A refund takes the right away: a refunded buyer cannot
 * review, nor change the review they wrote while they owned the product. That review stays (and
 * still counts): removing it would make refunds a way to erase a critic. Its author may delete it.
 */
const mustBePaidBuyer = (actor: Actor, product: { readonly id: ProductId; readonly sellerId: Actor["userId"] }) =>
  Effect.gen(function*() {
    if (product.sellerId === actor.userId) return yield* Effect.fail(new Forbidden({ reason: "sellers cannot review their own product" }))
    if (!(yield* (yield* OrderRepository).hasPaidOrder(actor.userId, product.id))) {
      return yield* Effect.fail(new Forbidden({ reason: "only buyers of a paid order can review this product" }))
    }
  })

/** The actor's own review of this product; anyone else's (or one of another product) answers NotFound. */
const ownReview = (actor: Actor, productId: ProductId, id: ReviewId) =>
  Effect.flatMap(ReviewRepository, (r) => r.findById(id)).pipe(
    Effect.flatMap(Option.match({
      onNone: () => Effect.fail(new NotFound({ resource: "Review" })),
      onSome: (review) =>
        review.productId === productId && review.authorId === actor.userId ? Effect.succeed(review) : Effect.fail(new NotFound({ resource: "Review" }))
    }))
  )

/**
 * A review write and the product's recomputed rating stand or fall together. The product's row is
 * locked first: two reviews committed side by side would otherwise each recompute without the other.
 */
const withRating = <A, E, R>(productId: ProductId, write: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.all([ReviewRepository, UnitOfWork]), ([reviews, uow]) =>
    uow.transaction(reviews.lockProduct(productId).pipe(Effect.andThen(write), Effect.tap(reviews.refreshRating(productId)))))

export const createReview = Effect.fn("Marketplace.createReview")(function*(actor: Actor, productId: ProductId, input: ReviewInput) {
  const product = yield* publicProduct(productId)
  yield* mustBePaidBuyer(actor, product)
  const now = yield* DateTime.now
  const review = new Review({
    id: ReviewId.make(yield* (yield* Ids).next),
    productId,
    authorId: actor.userId,
    rating: input.rating,
    text: input.text,
    createdAt: now,
    updatedAt: now
  })
  const reviews = yield* ReviewRepository
  yield* withRating(productId, reviews.insert(review))
  return review
})

export const updateReview = Effect.fn("Marketplace.updateReview")(function*(actor: Actor, productId: ProductId, id: ReviewId, patch: Partial<ReviewInput>) {
  const current = yield* ownReview(actor, productId, id)
  yield* mustBePaidBuyer(actor, yield* publicProduct(productId))
  const next = new Review({ ...current, ...patch, updatedAt: yield* DateTime.now })
  yield* withRating(productId, (yield* ReviewRepository).update(next))
  return next
})

/** Authors may always take their words back, whatever became of the order or the product. */
export const deleteReview = Effect.fn("Marketplace.deleteReview")(function*(actor: Actor, productId: ProductId, id: ReviewId) {
  yield* ownReview(actor, productId, id)
  yield* withRating(productId, (yield* ReviewRepository).delete(id))
})

/** The public list of an approved product's reviews, newest first. */
export const listReviews = Effect.fn("Marketplace.listReviews")(function*(productId: ProductId, page: PageRequest) {
  yield* publicProduct(productId)
  const rows = yield* (yield* ReviewRepository).byProduct(productId, yield* decodeCursor(page.cursor), page.limit)
  return toPage(rows, page.limit, (r) => ({ at: DateTime.toEpochMillis(r.createdAt), id: r.id }))
})
