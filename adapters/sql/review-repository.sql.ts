import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { ReviewRepository } from "../../application/ports/reviews.js"
import { UserId } from "../../domain/identity/user.js"
import { ProductId } from "../../domain/marketplace/product.js"
import { AlreadyReviewed, Review, ReviewId } from "../../domain/marketplace/review.js"
import { orStorageFailure } from "./storage-errors.js"

const ReviewRow = Schema.Struct({
  id: Schema.String,
  product_id: Schema.String,
  author_id: Schema.String,
  rating: Schema.Number,
  text: Schema.String,
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf
})
const decode = Schema.decodeUnknown(Schema.Array(ReviewRow))
const toReview = (r: typeof ReviewRow.Type) =>
  new Review({
    id: ReviewId.make(r.id),
    productId: ProductId.make(r.product_id),
    authorId: UserId.make(r.author_id),
    rating: r.rating,
    text: r.text,
    createdAt: DateTime.unsafeFromDate(r.created_at),
    updatedAt: DateTime.unsafeFromDate(r.updated_at)
  })

export const ReviewRepositorySql = Layer.effect(
  ReviewRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const date = DateTime.toDateUtc
    return {
      // ON CONFLICT rather than catching the unique violation: inside a transaction a failed statement
      // would abort it, and the caller may want to go on.
      insert: (r) =>
        sql`INSERT INTO reviews ${
          sql.insert({
            id: r.id,
            product_id: r.productId,
            author_id: r.authorId,
            rating: r.rating,
            text: r.text,
            created_at: date(r.createdAt),
            updated_at: date(r.updatedAt)
          })
        } ON CONFLICT (product_id, author_id) DO NOTHING RETURNING id`.pipe(
          orStorageFailure,
          Effect.flatMap((rows) => (rows.length === 1 ? Effect.void : Effect.fail(new AlreadyReviewed({ productId: r.productId }))))
        ),
      findById: (id) =>
        sql`SELECT * FROM reviews WHERE id = ${id}`.pipe(
          Effect.flatMap(decode),
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toReview)),
          orStorageFailure
        ),
      update: (r) =>
        sql`UPDATE reviews SET rating = ${r.rating}, text = ${r.text}, updated_at = ${date(r.updatedAt)} WHERE id = ${r.id}`.pipe(Effect.asVoid, orStorageFailure),
      delete: (id) => sql`DELETE FROM reviews WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      byProduct: (productId, after, limit) =>
        sql`SELECT * FROM reviews WHERE ${
          sql.and([sql`product_id = ${productId}`, ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)`))])
        } ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`.pipe(Effect.flatMap(decode), Effect.map((rows) => rows.map(toReview)), orStorageFailure),
      lockProduct: (productId) => sql`SELECT 1 FROM products WHERE id = ${productId} FOR UPDATE`.pipe(Effect.asVoid, orStorageFailure),
      // sum / count in double precision: the correctly rounded quotient, the same number JavaScript's
      // sum / count gives (avg() would go through numeric and may round differently in the last digit).
      refreshRating: (productId) =>
        sql`UPDATE products SET
              rating_average = COALESCE((SELECT sum(rating)::double precision / count(*) FROM reviews WHERE product_id = ${productId}), 0),
              rating_count = (SELECT count(*) FROM reviews WHERE product_id = ${productId})
            WHERE id = ${productId}`.pipe(Effect.asVoid, orStorageFailure)
    }
  })
)
