import { Schema } from "effect"
import { Rating, ReviewText } from "../../domain/marketplace/review.js"
import { withDefault } from "./request-fields.js"

export const ReviewPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()), review_id: Schema.String.check(Schema.isUUID()) })

export const CreateReviewRequest = Schema.Struct({
  rating: Rating,
  text: withDefault(ReviewText, "")
})

export const UpdateReviewRequest = Schema.Struct({
  rating: Schema.optional(Rating),
  text: Schema.optional(ReviewText)
}).pipe(
  Schema.check(Schema.makeFilter((body) => body.rating !== undefined || body.text !== undefined || "send rating, text or both"))
)

export class ReviewResponse extends Schema.Class<ReviewResponse>("ReviewResponse")({
  id: Schema.String.check(Schema.isUUID()),
  product_id: Schema.String.check(Schema.isUUID()),
  author_id: Schema.String.check(Schema.isUUID()),
  rating: Schema.Int,
  text: Schema.String,
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString
}) {}
