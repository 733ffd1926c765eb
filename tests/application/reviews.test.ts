import { expect, layer, type Vitest } from "@effect/vitest"
import { DateTime, Duration, Effect, Layer, Option, Result } from "effect"
import * as fc from "fast-check"
import { applyPayment, markPaid, purchase } from "../../application/marketplace/orders.js"
import { createReview, deleteReview, listReviews, updateReview } from "../../application/marketplace/reviews.js"
import type { FileStore } from "../../application/ports/file-store.js"
import type { Ids } from "../../application/ports/ids.js"
import { MarketplaceSettings, type OrderRepository, type Payments } from "../../application/ports/orders.js"
import { ProductRepository } from "../../application/ports/product-repository.js"
import { ReviewRepository } from "../../application/ports/reviews.js"
import type { SecretTokens } from "../../application/ports/secret-tokens.js"
import type { UnitOfWork } from "../../application/ports/unit-of-work.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../../adapters/crypto/secret-tokens.node.js"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { OrderRepositoryMemory } from "../../adapters/in-memory/orders.memory.js"
import { ProductRepositoryMemory } from "../../adapters/in-memory/product-repository.memory.js"
import { ReviewRepositoryMemory } from "../../adapters/in-memory/reviews.memory.js"
import { UnitOfWorkMemory } from "../../adapters/in-memory/unit-of-work.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { ManualPayments } from "../../adapters/payments/manual.js"
import { OrderRepositorySql } from "../../adapters/sql/order-repository.sql.js"
import { ProductRepositorySql } from "../../adapters/sql/product-repository.sql.js"
import { ReviewRepositorySql } from "../../adapters/sql/review-repository.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { Product, ProductId } from "../../domain/marketplace/product.js"
import type { ReviewId } from "../../domain/marketplace/review.js"
import { PgliteTestDatabase, PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { checkProperty, tagOf } from "../support/fixtures.js"
import { asAdmin, someone } from "../support/marketplace.js"

const Common = Layer.mergeAll(ManualPayments, FileStoreMemory, Layer.succeed(MarketplaceSettings, { feePercent: 10, pendingOrderTtl: Duration.hours(24) }), IdsUuidV7, SecretTokensNode)
const InMemory = Layer.mergeAll(OrderRepositoryMemory, ReviewRepositoryMemory, Common, UserRepositoryMemory, UnitOfWorkMemory).pipe(
  Layer.provideMerge(ProductRepositoryMemory)
)
const Sql = Layer.mergeAll(OrderRepositorySql, ProductRepositorySql, ReviewRepositorySql, UserRepositorySql, UnitOfWorkSql, Common)

type Ports = FileStore | Ids | MarketplaceSettings | OrderRepository | Payments | ProductRepository | ReviewRepository | SecretTokens | UnitOfWork | UserRepository

const ops = Effect.map(someone, asAdmin)

const approvedProduct = Effect.gen(function*() {
  const seller = yield* someone
  const id = ProductId.make(crypto.randomUUID())
  const now = yield* DateTime.now
  yield* (yield* ProductRepository).insert(
    new Product({
      id, sellerId: seller.userId, title: "Budget template", slug: `budget-${id}`, description: "", category: "templates", tags: [], price: 1999, currency: "usd",
      licenseActivationLimit: 3, status: "approved", rejectionReason: Option.none(),
      file: Option.some({ key: `products/${id}/f`, name: "budget.xlsx", size: 10, contentType: "text/csv" }),
      ratingAverage: 0, ratingCount: 0, salesCount: 0, createdAt: now, updatedAt: now
    })
  )
  return { id, seller }
})

/** A user with a paid order of the product (bought, then confirmed by an admin), and the order. */
const buyerOf = (productId: ProductId) =>
  Effect.gen(function*() {
    const buyer = yield* someone
    const order = yield* purchase(buyer, productId)
    yield* markPaid(yield* ops, order.id)
    return { buyer, order }
  })

const reasonOf = <A, E, R>(e: Effect.Effect<A, E, R>) => Effect.map(Effect.flip(e), (x) => (x as { reason?: string }).reason)
const rating = (id: ProductId) =>
  Effect.map(Effect.flatMap(ProductRepository, (r) => r.findById(id)), (p) => Option.getOrThrow(Option.map(p, (x) => ({ average: x.ratingAverage, count: x.ratingCount }))))
const mean = (xs: ReadonlyArray<number>) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)

const scenarios = (it: Vitest.MethodsNonLive<Ports>) => {
  it.effect("only buyers of a paid order review, once; the seller and a pending order are refused", () =>
    Effect.gen(function*() {
      const product = yield* approvedProduct
      const stranger = yield* someone
      expect(yield* reasonOf(createReview(stranger, product.id, { rating: 5, text: "" }))).toBe("only buyers of a paid order can review this product")
      expect(yield* tagOf(createReview(product.seller, product.id, { rating: 5, text: "" }))).toBe("Forbidden")
      const pending = yield* someone
      yield* purchase(pending, product.id)
      expect(yield* reasonOf(createReview(pending, product.id, { rating: 5, text: "" }))).toBe("only buyers of a paid order can review this product")
      expect(yield* tagOf(createReview(stranger, ProductId.make(crypto.randomUUID()), { rating: 5, text: "" }))).toBe("NotFound")

      const { buyer } = yield* buyerOf(product.id)
      const review = yield* createReview(buyer, product.id, { rating: 4, text: "Saved me hours" })
      expect([review.rating, review.text, review.authorId, review.productId]).toEqual([4, "Saved me hours", buyer.userId, product.id])
      expect(yield* rating(product.id)).toEqual({ average: 4, count: 1 })
      expect(yield* tagOf(createReview(buyer, product.id, { rating: 1, text: "again" }))).toBe("AlreadyReviewed")
      expect(yield* rating(product.id)).toEqual({ average: 4, count: 1 })
      const page = yield* listReviews(product.id, { limit: 20, cursor: Option.none() })
      expect(page.items.map((r) => r.id)).toEqual([review.id])
    }))

  it.effect("averages stay exact through several reviewers, edits and deletes; another's review is NotFound", () =>
    Effect.gen(function*() {
      const product = yield* approvedProduct
      const [a, b, c] = [(yield* buyerOf(product.id)).buyer, (yield* buyerOf(product.id)).buyer, (yield* buyerOf(product.id)).buyer]
      const ra = yield* createReview(a, product.id, { rating: 5, text: "great" })
      yield* createReview(b, product.id, { rating: 4, text: "good" })
      const rc = yield* createReview(c, product.id, { rating: 4, text: "fine" })
      expect(yield* rating(product.id)).toEqual({ average: mean([5, 4, 4]), count: 3 })
      expect((yield* rating(product.id)).average).toBeCloseTo(4.3333333, 6)

      const edited = yield* updateReview(c, product.id, rc.id, { rating: 1 })
      expect([edited.rating, edited.text]).toEqual([1, "fine"])
      expect(yield* rating(product.id)).toEqual({ average: mean([5, 4, 1]), count: 3 })
      expect((yield* updateReview(c, product.id, rc.id, { text: "meh" })).rating).toBe(1)

      expect(yield* tagOf(updateReview(b, product.id, ra.id, { rating: 1 }))).toBe("NotFound")
      expect(yield* tagOf(deleteReview(b, product.id, ra.id))).toBe("NotFound")
      expect(yield* tagOf(updateReview(a, (yield* approvedProduct).id, ra.id, { rating: 1 }))).toBe("NotFound")
      expect(yield* rating(product.id)).toEqual({ average: mean([5, 4, 1]), count: 3 })

      yield* deleteReview(a, product.id, ra.id)
      expect(yield* rating(product.id)).toEqual({ average: mean([4, 1]), count: 2 })
      expect(yield* tagOf(deleteReview(a, product.id, ra.id))).toBe("NotFound")
      const stored = yield* (yield* ReviewRepository).byProduct(product.id, Option.none(), 10)
      expect(stored.map((r) => r.rating).sort()).toEqual([1, 4])
    }))

  it.effect("concurrent reviews of one product all count: each write recomputes after the others", () =>
    Effect.gen(function*() {
      const product = yield* approvedProduct
      const buyers = yield* Effect.forEach(Array.from({ length: 24 }, (_, i) => i), () => Effect.map(buyerOf(product.id), (b) => b.buyer))
      const ratings = Array.from({ length: 24 }, (_, i) => (i * 7) % 5 + 1)
      yield* Effect.forEach(buyers, (buyer, i) => createReview(buyer, product.id, { rating: ratings[i]!, text: "" }), { concurrency: "unbounded" })
      expect(yield* rating(product.id)).toEqual({ average: mean(ratings), count: ratings.length })
    }))

  it.effect("a refunded buyer cannot review nor edit; their earlier review stays and counts until they delete it", () =>
    Effect.gen(function*() {
      const product = yield* approvedProduct
      const early = yield* buyerOf(product.id)
      const kept = yield* createReview(early.buyer, product.id, { rating: 2, text: "not for me" })
      yield* applyPayment(`refund:${early.order.id}`, early.order.id, { _tag: "Refunded" })
      expect(yield* reasonOf(updateReview(early.buyer, product.id, kept.id, { rating: 5 }))).toBe("only buyers of a paid order can review this product")
      expect(yield* rating(product.id)).toEqual({ average: 2, count: 1 })

      const late = yield* buyerOf(product.id)
      yield* applyPayment(`refund:${late.order.id}`, late.order.id, { _tag: "Refunded" })
      expect(yield* reasonOf(createReview(late.buyer, product.id, { rating: 5, text: "" }))).toBe("only buyers of a paid order can review this product")

      yield* deleteReview(early.buyer, product.id, kept.id)
      expect(yield* rating(product.id)).toEqual({ average: 0, count: 0 })
    }))
}

type Step = { readonly who: number; readonly op: "create" | "edit" | "delete"; readonly rating: number }
const Steps = fc.array(
  fc.record({ who: fc.nat({ max: 3 }), op: fc.constantFrom("create" as const, "edit" as const, "delete" as const), rating: fc.integer({ min: 1, max: 5 }) }),
  { minLength: 1, maxLength: 14 }
)

/** Random creates, edits and deletes by four buyers: the product's summary is always the stored reviews' exact mean and count. */
const property = (steps: ReadonlyArray<Step>) =>
  Effect.gen(function*() {
    const product = yield* approvedProduct
    const buyers = yield* Effect.forEach([0, 1, 2, 3], () => Effect.map(buyerOf(product.id), (b) => b.buyer))
    const model = new Map<number, { id: ReviewId; rating: number }>()
    for (const step of steps) {
      const buyer = buyers[step.who]!
      const mine = model.get(step.who)
      if (step.op === "create") {
        const result = yield* Effect.result(createReview(buyer, product.id, { rating: step.rating, text: "" }))
        if (mine === undefined) model.set(step.who, { id: Result.getOrThrow(result).id, rating: step.rating })
        else expect(Result.isFailure(result) && result.failure._tag).toBe("AlreadyReviewed")
      } else if (mine !== undefined && step.op === "edit") {
        yield* updateReview(buyer, product.id, mine.id, { rating: step.rating })
        model.set(step.who, { ...mine, rating: step.rating })
      } else if (mine !== undefined) {
        yield* deleteReview(buyer, product.id, mine.id)
        model.delete(step.who)
      }
      const ratings = [...model.values()].map((r) => r.rating)
      expect(yield* rating(product.id)).toEqual({ average: mean(ratings), count: ratings.length })
    }
    const stored = yield* (yield* ReviewRepository).byProduct(product.id, Option.none(), 10)
    expect(stored.map((r) => r.rating).sort()).toEqual([...model.values()].map((r) => r.rating).sort())
  })

layer(InMemory)("reviews, in memory", (it) => {
  scenarios(it)
  it.effect("rating summary = mean and count of the stored reviews after any steps", () => checkProperty(Steps, property, { numRuns: 100 }))
})
layer(Sql.pipe(Layer.provide(PgliteTestDatabase)), { timeout: "60 seconds" })("reviews, SQL on PGlite", (it) => {
  scenarios(it)
  it.effect("rating summary = mean and count of the stored reviews after any steps", () => checkProperty(Steps, property, { numRuns: 15 }), 120_000)
})
const url = testDatabaseUrl()
if (url !== undefined) {
  layer(Sql.pipe(Layer.provide(PostgresTestDatabase(url))), { timeout: "60 seconds" })("reviews, SQL on PostgreSQL", (it) => {
    scenarios(it)
    it.effect("rating summary = mean and count of the stored reviews after any steps", () => checkProperty(Steps, property, { numRuns: 15 }), 120_000)
  })
}
