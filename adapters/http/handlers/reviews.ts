import { HttpApiBuilder } from "effect/http-api"
import { Effect } from "effect"
import { createReview, deleteReview, listReviews, updateReview } from "../../../application/marketplace/reviews.js"
import { ProductId } from "../../../domain/marketplace/product.js"
import { type Review, ReviewId } from "../../../domain/marketplace/review.js"
import { BrainOpsApi } from "../api.js"
import { CurrentActor, Authentication } from "../current-actor.js"
import { httpErrors } from "../error-mapping.js"
import { toPageRequest, toPageResponse } from "../pagination.js"
import { ReviewResponse } from "../review-schemas.js"
import { capturingOnly } from "../captured-context.js"
import { UnitOfWork } from "../../../application/ports/unit-of-work.js"
import { ReviewRepository } from "../../../application/ports/reviews.js"
import { ProductRepository } from "../../../application/ports/product-repository.js"
import { OrderRepository } from "../../../application/ports/orders.js"
import { Ids } from "../../../application/ports/ids.js"

const toReviewResponse = (r: Review) =>
  new ReviewResponse({
    id: r.id,
    product_id: r.productId,
    author_id: r.authorId,
    rating: r.rating,
    text: r.text,
    created_at: r.createdAt,
    updated_at: r.updatedAt
  })

const ReviewsPublicGroup = HttpApiBuilder.group(BrainOpsApi, "reviewsPublic", (handlers) =>
  handlers.handle("listReviews", ({ params, query }) =>
    listReviews(ProductId.make(params.id), toPageRequest(query)).pipe(Effect.map((page) => toPageResponse(page, toReviewResponse)), httpErrors)))

const ReviewsGroup = HttpApiBuilder.group(BrainOpsApi, "reviews", (handlers) =>
  handlers
    .handle("createReview", ({ params, payload }) =>
      Effect.flatMap(CurrentActor, (a) => createReview(a, ProductId.make(params.id), { rating: payload.rating, text: payload.text })).pipe(
        Effect.map(toReviewResponse),
        httpErrors
      ))
    .handle("updateReview", ({ params, payload }) =>
      Effect.flatMap(CurrentActor, (a) =>
        updateReview(a, ProductId.make(params.id), ReviewId.make(params.review_id), {
          ...(payload.rating !== undefined ? { rating: payload.rating } : {}),
          ...(payload.text !== undefined ? { text: payload.text } : {})
        })).pipe(Effect.map(toReviewResponse), httpErrors))
    .handle("deleteReview", ({ params }) =>
      Effect.flatMap(CurrentActor, (a) => deleteReview(a, ProductId.make(params.id), ReviewId.make(params.review_id))).pipe(httpErrors)))

export const ReviewsPublicHandlers = capturingOnly(ReviewsPublicGroup, ProductRepository, ReviewRepository)

export const ReviewsHandlers = capturingOnly(ReviewsGroup, Authentication, Ids, OrderRepository, ProductRepository, ReviewRepository, UnitOfWork)
