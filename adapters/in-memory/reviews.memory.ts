import { Effect, Layer, Option, Ref } from "effect"
import { ReviewRepository } from "../../application/ports/reviews.js"
import { AlreadyReviewed, type Review, ratingSummary } from "../../domain/marketplace/review.js"
import { newestFirstAfter } from "./keyset.js"
import { ProductStatsMemory } from "./product-repository.memory.js"

/** For tests only: reviews over a Ref; the rating summary goes to the in-memory products, as SQL writes the products table. */
export const ReviewRepositoryMemory = Layer.effect(
  ReviewRepository,
  Effect.gen(function*() {
    const ratings = yield* ProductStatsMemory
    const reviews = yield* Ref.make(new Map<string, Review>())
    const ofProduct = (productId: string) => Effect.map(Ref.get(reviews), (m) => [...m.values()].filter((r) => r.productId === productId))
    return ReviewRepository.of({
      insert: (r) =>
        Ref.modify(reviews, (m) =>
          [...m.values()].some((x) => x.productId === r.productId && x.authorId === r.authorId)
            ? [false, m] as const
            : [true, new Map(m).set(r.id, r)] as const).pipe(
            Effect.flatMap((inserted) => (inserted ? Effect.void : Effect.fail(new AlreadyReviewed({ productId: r.productId }))))
          ),
      findById: (id) => Effect.map(Ref.get(reviews), (m) => Option.fromNullishOr(m.get(id))),
      update: (r) => Ref.update(reviews, (m) => (m.has(r.id) ? new Map(m).set(r.id, r) : m)),
      delete: (id) =>
        Ref.update(reviews, (m) => {
          const next = new Map(m)
          next.delete(id)
          return next
        }),
      byProduct: (productId, after, limit) => Effect.map(ofProduct(productId), (rs) => newestFirstAfter(rs, after, limit)),
      // One fiber at a time touches the Refs: there is no concurrent commit to wait for.
      lockProduct: () => Effect.void,
      refreshRating: (productId) =>
        Effect.flatMap(ofProduct(productId), (rs) => ratings.setRating(productId, ratingSummary(rs.map((r) => r.rating))))
    })
  })
)
