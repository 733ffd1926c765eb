import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Result, Option } from "effect"
import { ProductRepository } from "../../application/ports/product-repository.js"
import { ReviewRepository } from "../../application/ports/reviews.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import type { UserId } from "../../domain/identity/user.js"
import { Product, ProductId } from "../../domain/marketplace/product.js"
import { Review, ReviewId } from "../../domain/marketplace/review.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { at, makeUser } from "../support/fixtures.js"

let seq = 0
const review = (productId: ProductId, authorId: UserId, rating: number, overrides: Partial<ConstructorParameters<typeof Review>[0]> = {}) => {
  const created = at(`${++seq} minutes`)
  return new Review({
    id: ReviewId.make(uuidV7(DateTime.toEpochMillis(created))),
    productId,
    authorId,
    rating,
    text: `review ${seq}`,
    createdAt: created,
    updatedAt: created,
    ...overrides
  })
}

/** What every ReviewRepository adapter must do, including keeping the product's rating summary exact. */
export const reviewsContract = (it: Vitest.MethodsNonLive<ReviewRepository | ProductRepository | UserRepository>) =>
  describe("ReviewRepository contract", () => {
    const user = Effect.gen(function*() {
      const u = makeUser()
      yield* (yield* UserRepository).insert(u)
      return u.id
    })
    const product = Effect.gen(function*() {
      const sellerId = yield* user
      const id = ProductId.make(uuidV7(Date.now()))
      const p = new Product({
        id, sellerId, title: "Reviewed", slug: `reviewed-${id}`, description: "", category: "reviews", tags: [], price: 100, currency: "usd",
        licenseActivationLimit: 1, status: "approved", rejectionReason: Option.none(), file: Option.none(),
        ratingAverage: 0, ratingCount: 0, salesCount: 0, createdAt: at("0 minutes"), updatedAt: at("0 minutes")
      })
      yield* (yield* ProductRepository).insert(p)
      return id
    })
    const summary = (id: ProductId) =>
      Effect.map(Effect.flatMap(ProductRepository, (r) => r.findById(id)), (p) => Option.map(p, (x) => [x.ratingAverage, x.ratingCount]))

    it.effect("stores a review field for field, updates and deletes it; a second review of the same author and product is AlreadyReviewed", () =>
      Effect.gen(function*() {
        const repo = yield* ReviewRepository
        const [p, a] = [yield* product, yield* user]
        const r = review(p, a, 4, { text: "Clear and \"useful\" — ünïcode" })
        yield* repo.insert(r)
        expect(yield* repo.findById(r.id)).toEqual(Option.some(r))
        const second = yield* Effect.result(repo.insert(review(p, a, 1)))
        expect(Result.isFailure(second) && second.failure._tag).toBe("AlreadyReviewed")
        // The refused insert leaves the first review alone, and another product is another review.
        expect((yield* repo.byProduct(p, Option.none(), 10)).map((x) => x.id)).toEqual([r.id])
        yield* repo.insert(review(yield* product, a, 5))

        const edited = new Review({ ...r, rating: 2, text: "changed my mind", updatedAt: at("1 day") })
        yield* repo.update(edited)
        expect(yield* repo.findById(r.id)).toEqual(Option.some(edited))
        yield* repo.delete(r.id)
        expect(yield* repo.findById(r.id)).toEqual(Option.none())
        yield* repo.insert(review(p, a, 3))
      }))

    it.effect("lists a product's reviews newest first, in pages of limit + 1 rows", () =>
      Effect.gen(function*() {
        const repo = yield* ReviewRepository
        const p = yield* product
        const rs = [review(p, yield* user, 5), review(p, yield* user, 4), review(p, yield* user, 3)]
        yield* Effect.forEach(rs, repo.insert)
        yield* repo.insert(review(yield* product, yield* user, 1))
        const newest = [...rs].reverse().map((r) => r.id)
        expect((yield* repo.byProduct(p, Option.none(), 10)).map((r) => r.id)).toEqual(newest)
        const first = yield* repo.byProduct(p, Option.none(), 1)
        expect(first.map((r) => r.id)).toEqual(newest.slice(0, 2))
        const rest = yield* repo.byProduct(p, Option.some({ at: DateTime.toEpochMillis(first[0]!.createdAt), id: first[0]!.id }), 5)
        expect(rest.map((r) => r.id)).toEqual(newest.slice(1))
      }))

    it.effect("refreshRating sets the product's average and count to the exact mean and count of its reviews", () =>
      Effect.gen(function*() {
        const repo = yield* ReviewRepository
        const p = yield* product
        yield* repo.refreshRating(p)
        expect(yield* summary(p)).toEqual(Option.some([0, 0]))
        const rs = [review(p, yield* user, 5), review(p, yield* user, 4), review(p, yield* user, 4)]
        yield* Effect.forEach(rs, repo.insert)
        const other = yield* product
        yield* repo.insert(review(other, yield* user, 1))
        yield* repo.refreshRating(p)
        expect(yield* summary(p)).toEqual(Option.some([(5 + 4 + 4) / 3, 3]))
        yield* repo.update(new Review({ ...rs[0]!, rating: 1 }))
        yield* repo.delete(rs[1]!.id)
        yield* repo.refreshRating(p)
        expect(yield* summary(p)).toEqual(Option.some([(1 + 4) / 2, 2]))
        yield* Effect.forEach([rs[0]!, rs[2]!], (r) => repo.delete(r.id))
        yield* repo.refreshRating(p)
        expect(yield* summary(p)).toEqual(Option.some([0, 0]))
        expect(yield* summary(other)).toEqual(Option.some([0, 0]))
      }))
  })
