import { Schema } from "effect"
import { Rating, ReviewText } from "../../domain/marketplace/review.js"
import { requestBody } from "./identity-schemas.js"

export const ReviewPath = Schema.Struct({ id: Schema.UUID, review_id: Schema.UUID })

export const CreateReviewRequest = requestBody({
  rating: Rating,
  text: Schema.optionalWith(ReviewText, { default: () => "" })
})

export const UpdateReviewRequest = Schema.Struct({
  rating: Schema.optional(Rating),
  text: Schema.optional(ReviewText)
}).pipe(
  Schema.filter((body) => body.rating !== undefined || body.text !== undefined || "send rating, text or both")
).annotations({ parseOptions: { errors: "all" } })

export class ReviewResponse extends Schema.Class<ReviewResponse>("ReviewResponse")({
  id: Schema.UUID,
  product_id: Schema.UUID,
  author_id: Schema.UUID,
  rating: Schema.Int,
  text: Schema.String,
  created_at: Schema.DateTimeUtc,
  updated_at: Schema.DateTimeUtc
}) {}
