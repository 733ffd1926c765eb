import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { ReviewRepository } from "../../application/ports/reviews.js"
import { UserId } from "../../domain/identity/user.js"
import { ProductId } from "../../domain/marketplace/product.js"
import { AlreadyReviewed, Review, ReviewId } from "../../domain/marketplace/review.js"
import { allRows, firstRow, intoClass, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const ReviewRow = Row({
  id: ReviewId,
  productId: ProductId,
  authorId: UserId,
  rating: Schema.Number,
  text: Schema.String,
  createdAt: Timestamp,
  updatedAt: Timestamp
}).pipe(intoClass(Review))
const review = firstRow(ReviewRow)
const reviews = allRows(ReviewRow)

export const ReviewRepositorySql = Layer.effect(
  ReviewRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const date = DateTime.toDateUtc
    // ON CONFLICT rather than catching the unique violation: inside a transaction a failed statement
    // would abort it, and the caller may want to go on.
    const insert = SqlSchema.findAll({
      Request: ReviewRow,
      Result: Row({ id: ReviewId }),
      execute: (row) => sql`INSERT INTO reviews ${sql.insert(row)} ON CONFLICT (product_id, author_id) DO NOTHING RETURNING id`
    })
    return ReviewRepository.of({
      insert: (r) =>
        insert(r).pipe(
          orStorageFailure,
          Effect.flatMap((rows) => (rows.length === 1 ? Effect.void : Effect.fail(new AlreadyReviewed({ productId: r.productId }))))
        ),
      findById: (id) => review(sql`SELECT * FROM reviews WHERE id = ${id}`).pipe(orStorageFailure),
      update: (r) =>
        sql`UPDATE reviews SET rating = ${r.rating}, text = ${r.text}, updated_at = ${date(r.updatedAt)} WHERE id = ${r.id}`.pipe(Effect.asVoid, orStorageFailure),
      delete: (id) => sql`DELETE FROM reviews WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      byProduct: (productId, after, limit) =>
        reviews(sql`SELECT * FROM reviews WHERE ${
          sql.and([sql`product_id = ${productId}`, ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)`))])
        } ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`).pipe(orStorageFailure),
      lockProduct: (productId) => sql`SELECT 1 FROM products WHERE id = ${productId} FOR UPDATE`.pipe(Effect.asVoid, orStorageFailure),
      // sum / count in double precision: the correctly rounded quotient, the same number JavaScript's
      // sum / count gives (avg() would go through numeric and may round differently in the last digit).
      refreshRating: (productId) =>
        sql`UPDATE products SET
              rating_average = COALESCE((SELECT sum(rating)::double precision / count(*) FROM reviews WHERE product_id = ${productId}), 0),
              rating_count = (SELECT count(*) FROM reviews WHERE product_id = ${productId})
            WHERE id = ${productId}`.pipe(Effect.asVoid, orStorageFailure)
    })
  })
)
