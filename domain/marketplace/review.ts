import { Schema } from "effect"
import { UserId } from "../identity/user.js"
import { ProductId } from "./product.js"

export const ReviewId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("ReviewId"))
export type ReviewId = typeof ReviewId.Type

export const REVIEW_LIMITS = { textChars: 5_000 } as const

const ratingMessage = "rating must be a whole number from 1 to 5"

/** Stars, 1 to 5. The message sits on the number itself too, so that a string or null gets the same plain message. */
export const Rating = Schema.Number.annotate({ message: ratingMessage }).check(
  Schema.isInt({ message: ratingMessage }),
  Schema.isBetween({ minimum: 1, maximum: 5 }, { message: ratingMessage })
)

/** The review's words, trimmed; a rating alone (empty text) is a review too. */
export const ReviewText = Schema.Trim.pipe(
  Schema.check(Schema.isMaxLength(REVIEW_LIMITS.textChars, { message: `text must be at most ${REVIEW_LIMITS.textChars} characters` }))
)

export class Review extends Schema.Class<Review>("Review")({
  id: ReviewId,
  productId: ProductId,
  authorId: UserId,
  rating: Rating,
  text: Schema.String,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
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
