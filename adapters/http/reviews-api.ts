import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { BadRequest, Conflict, Forbidden, NotFound } from "./errors.js"
import { PageOf, PageQuery } from "./pagination.js"
import { CreateReviewRequest, ReviewPath, ReviewResponse, UpdateReviewRequest } from "./review-schemas.js"

const IdPath = Schema.Struct({ id: Schema.UUID })
const write = Access.scope("marketplace:write")

/** Reviews of an approved product, readable without signing in. */
export class ReviewsPublicApi extends HttpApiGroup.make("reviewsPublic")
  .add(HttpApiEndpoint.get("listReviews", "/products/:id/reviews").setPath(IdPath).setUrlParams(PageQuery).addSuccess(PageOf(ReviewResponse))
    .annotate(OpenApi.Summary, "An approved product's reviews, newest first"))
  .addError(BadRequest)
  .addError(NotFound)
  .prefix("/api/v1/marketplace")
{}

/** Buyers review what they paid for: one review each, edited or deleted by its author only. */
export class ReviewsApi extends HttpApiGroup.make("reviews")
  .add(HttpApiEndpoint.post("createReview", "/products/:id/reviews").setPath(IdPath).setPayload(CreateReviewRequest).addSuccess(ReviewResponse, { status: 201 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Review a product you bought (a paid order): rating 1–5 and text; one review each"))
  .add(HttpApiEndpoint.patch("updateReview", "/products/:id/reviews/:review_id").setPath(ReviewPath).setPayload(UpdateReviewRequest).addSuccess(ReviewResponse)
    .annotate(Access, write).annotate(OpenApi.Summary, "Edit your review's rating or text"))
  .add(HttpApiEndpoint.del("deleteReview", "/products/:id/reviews/:review_id").setPath(ReviewPath).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete your review"))
  .addError(Forbidden)
  .addError(NotFound)
  .addError(Conflict)
  .middleware(Authentication)
  .prefix("/api/v1/marketplace")
{}
