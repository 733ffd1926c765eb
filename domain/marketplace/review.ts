import { Schema } from "effect"
import { UserId } from "../identity/user.js"
import { ProductId } from "./product.js"

export const ReviewId = Schema.UUID.pipe(Schema.brand("ReviewId"))
export type ReviewId = typeof ReviewId.Type

export const REVIEW_LIMITS = { textChars: 5_000 } as const

const ratingMessage = "rating must be a whole number from 1 to 5"

/** Stars, 1 to 5. `override` so that a string or a missing value gets the same plain message. */
export const Rating = Schema.Int.pipe(Schema.between(1, 5)).annotations({
  message: () => ({ message: ratingMessage, override: true })
})

/** The review's words, trimmed; a rating alone (empty text) is a review too. */
export const ReviewText = Schema.Trim.pipe(
  Schema.maxLength(REVIEW_LIMITS.textChars, { message: () => `text must be at most ${REVIEW_LIMITS.textChars} characters` })
)

export class Review extends Schema.Class<Review>("Review")({
  id: ReviewId,
  productId: ProductId,
  authorId: UserId,
  rating: Rating,
  text: Schema.String,
  createdAt: Schema.DateTimeUtcFromSelf,
  updatedAt: Schema.DateTimeUtcFromSelf
}) {}

/** One review per buyer and product: a second one is refused (409); the first can be edited. */
export class AlreadyReviewed extends Schema.TaggedError<AlreadyReviewed>()("AlreadyReviewed", {
  productId: ProductId
}) {}

/** The exact mean of the ratings (sum over count, as the SQL adapter computes it), 0 for none. */
export const ratingSummary = (ratings: ReadonlyArray<number>) => ({
  ratingAverage: ratings.length === 0 ? 0 : ratings.reduce((a, b) => a + b, 0) / ratings.length,
  ratingCount: ratings.length
})
