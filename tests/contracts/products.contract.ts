import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { type CatalogueFilter, type CatalogueSort, ProductRepository, sortKey } from "../../application/ports/product-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import type { UserId } from "../../domain/identity/user.js"
import { Product, ProductId } from "../../domain/marketplace/product.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { at, makeUser } from "../support/fixtures.js"

let seq = 0
const product = (sellerId: UserId, overrides: Partial<ConstructorParameters<typeof Product>[0]> = {}) => {
  const created = at(`${++seq} minutes`)
  const id = ProductId.make(uuidV7(DateTime.toEpochMillis(created)))
  return new Product({
    id,
    sellerId,
    title: `Product ${seq}`,
    slug: `product-${id}`,
    description: "A digital good",
    category: "templates",
    tags: ["a"],
    price: 1000,
    currency: "usd",
    licenseActivationLimit: 2,
    status: "approved",
    rejectionReason: Option.none(),
    file: Option.some({ key: `products/${id}/file.zip`, name: "file.zip", size: 1234, contentType: "application/zip" }),
    ratingAverage: 0,
    ratingCount: 0,
    salesCount: 0,
    createdAt: created,
    updatedAt: created,
    ...overrides
  })
}
const none: CatalogueFilter = { q: Option.none(), category: Option.none(), minPrice: Option.none(), maxPrice: Option.none(), currency: Option.none() }

/** What every ProductRepository adapter must do. Each test has its own category, so tests never see each other's products. */
export const productsContract = (it: Vitest.MethodsNonLive<ProductRepository | UserRepository>) =>
  describe("ProductRepository contract", () => {
    const seller = Effect.gen(function*() {
      const user = makeUser()
      yield* (yield* UserRepository).insert(user)
      return user
    })

    it.effect("stores a product field for field and updates it, but for the rating summary and sales count the reviews and orders own", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepository
        const s = yield* seller
        const p = product(s.id, { status: "rejected", rejectionReason: Option.some("blurry"), tags: ["x", "y \"z\""], file: Option.none(), price: 99_999_999, ratingAverage: 3.5, ratingCount: 2, salesCount: 4 })
        yield* repo.insert(p)
        expect(yield* repo.findById(p.id)).toEqual(Option.some(p))
        const changed = new Product({ ...p, status: "draft", rejectionReason: Option.none(), ratingAverage: 4.5, ratingCount: 9, salesCount: 7, updatedAt: at("1 day") })
        yield* repo.update(changed)
        // Stale figures an edit carries must not overwrite what the latest review or sale wrote.
        expect(yield* repo.findById(p.id)).toEqual(Option.some(new Product({ ...changed, ratingAverage: 3.5, ratingCount: 2, salesCount: 4 })))
      }))

    it.effect("the catalogue lists approved products only, filtered by words, category and price, in every order, in pages", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepository
        const s = yield* seller
        const category = `cat-${++seq}`
        const ps = [
          product(s.id, { category, title: "Budget spreadsheet", price: 500, ratingAverage: 4, salesCount: 10 }),
          product(s.id, { category, title: "Travel planner", price: 1500, ratingAverage: 5, salesCount: 2 }),
          product(s.id, { category, title: "Budget planner pro", price: 1500, ratingAverage: 3, salesCount: 30 }),
          product(s.id, { category, title: "Recipe book", price: 900, ratingAverage: 4, salesCount: 10 }),
          product(s.id, { category, title: "Budget draft", status: "draft" }),
          product(s.id, { category, title: "Budget pending", status: "pending_review" })
        ]
        yield* Effect.forEach(ps, repo.insert)
        const approved = ps.slice(0, 4)
        const mine = { ...none, category: Option.some(category) }
        const ids = (filter: CatalogueFilter, sort: CatalogueSort = "newest") => Effect.map(repo.catalogue(filter, sort, Option.none(), 50), (rows) => rows.map((p) => p.title))
        expect(yield* ids({ ...mine, q: Option.some("budget") })).toEqual(["Budget planner pro", "Budget spreadsheet"])
        expect(yield* ids({ ...mine, minPrice: Option.some(900), maxPrice: Option.some(1000) })).toEqual(["Recipe book"])
        expect(yield* ids(mine, "price_asc")).toEqual(["Budget spreadsheet", "Recipe book", ...[ps[1]!, ps[2]!].sort((a, b) => (a.id < b.id ? -1 : 1)).map((p) => p.title)])
        expect((yield* ids(mine, "rating"))[0]).toBe("Travel planner")
        expect((yield* ids(mine, "sales"))[0]).toBe("Budget planner pro")
        for (const sort of ["newest", "price_asc", "price_desc", "rating", "sales"] as const) {
          const seen: Array<string> = []
          let after = Option.none<{ at: number; id: string }>()
          for (let i = 0; i < 10; i++) {
            const rows = yield* repo.catalogue(mine, sort, after, 1)
            seen.push(...rows.slice(0, 1).map((p) => p.id))
            if (rows.length <= 1) break
            after = Option.some({ at: sortKey(rows[0]!, sort), id: rows[0]!.id })
          }
          expect(seen, sort).toEqual((yield* repo.catalogue(mine, sort, Option.none(), 50)).map((p) => p.id))
          expect(new Set(seen).size, sort).toBe(approved.length)
        }
      }))

    it.effect("lists a seller's products, the review queue oldest first, and categories with counts of approved products", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepository
        const s = yield* seller
        const category = `cat-${++seq}`
        const [a, b, c] = [product(s.id, { category, status: "pending_review" }), product(s.id, { category }), product(s.id, { category })]
        yield* Effect.forEach([a, b, c], repo.insert)
        expect((yield* repo.bySeller(s.id, Option.none(), 10)).map((p) => p.id)).toEqual([c.id, b.id, a.id])
        const queue = (yield* repo.byStatus("pending_review", Option.none(), 1000)).map((p) => p.id)
        expect(queue).toContain(a.id)
        expect(queue).not.toContain(b.id)
        expect((yield* repo.categories).find((x) => x.category === category)).toEqual({ category, count: 2 })
      }))
  })
