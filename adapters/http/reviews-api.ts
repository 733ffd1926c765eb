import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { Schema } from "effect"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { ApiErrors, BadRequest, Conflict, Forbidden, NotFound } from "./errors.js"
import { PageOf, PageQuery } from "./pagination.js"
import { CreateReviewRequest, ReviewPath, ReviewResponse, UpdateReviewRequest } from "./review-schemas.js"

const IdPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()) })
const write = Access.scope("marketplace:write")

/** Reviews of an approved product, readable without signing in. */
export class ReviewsPublicApi extends HttpApiGroup.make("reviewsPublic")
  .add(
    HttpApiEndpoint.get("listReviews", "/products/:id/reviews", {
      params: IdPath,
      query: PageQuery,
      success: PageOf(ReviewResponse),
      error: [BadRequest, NotFound, ...ApiErrors]
    }).annotate(OpenApi.Summary, "An approved product's reviews, newest first")
  )
  .prefix("/api/v1/marketplace")
{}

const error = [Forbidden, NotFound, Conflict, ...ApiErrors] as const

/** Buyers review what they paid for: one review each, edited or deleted by its author only. */
export class ReviewsApi extends HttpApiGroup.make("reviews")
  .add(
    HttpApiEndpoint.post("createReview", "/products/:id/reviews", {
      params: IdPath,
      payload: CreateReviewRequest,
      success: ReviewResponse.pipe(HttpApiSchema.status(201)),
      error
    }).annotate(Access, write).annotate(OpenApi.Summary, "Review a product you bought (a paid order): rating 1–5 and text; one review each"),
    HttpApiEndpoint.patch("updateReview", "/products/:id/reviews/:review_id", {
      params: ReviewPath,
      payload: UpdateReviewRequest,
      success: ReviewResponse,
      error
    }).annotate(Access, write).annotate(OpenApi.Summary, "Edit your review's rating or text"),
    HttpApiEndpoint.delete("deleteReview", "/products/:id/reviews/:review_id", { params: ReviewPath, success: HttpApiSchema.NoContent, error })
      .annotate(Access, write).annotate(OpenApi.Summary, "Delete your review")
  )
  .middleware(Authentication)
  .prefix("/api/v1/marketplace")
{}
