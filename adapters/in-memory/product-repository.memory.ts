import { Context, DateTime, Effect, Layer, Option, Ref } from "effect"
import { type CatalogueSort, ProductRepository, sortKey } from "../../application/ports/product-repository.js"
import { Product, type ProductId } from "../../domain/marketplace/product.js"
import { newestFirstAfter } from "./keyset.js"

/**
 * For tests only: writes a product's derived figures, as the SQL reviews and orders adapters write
 * those columns (ProductRepository.update leaves them alone). Provided by ProductRepositoryMemory,
 * over the same Ref.
 */
export class ProductStatsMemory extends Context.Service<ProductStatsMemory, {
  readonly setRating: (id: ProductId, summary: { readonly ratingAverage: number; readonly ratingCount: number }) => Effect.Effect<void>
  readonly addSales: (id: ProductId, delta: number) => Effect.Effect<void>
}>()("ProductStatsMemory") {}

/** For tests only: the SQL adapter's filters and orders over a Ref; full-text search is "every word occurs". */
export const ProductRepositoryMemory = Layer.effectContext(
  Effect.gen(function*() {
    const products = yield* Ref.make(new Map<string, Product>())
    const all = Effect.map(Ref.get(products), (m) => [...m.values()])
    const words = (s: string): Array<string> => [...(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])]
    const ordered = (sort: CatalogueSort, desc: boolean) => (a: Product, b: Product) => {
      const d = sortKey(a, sort) - sortKey(b, sort) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
      return desc ? -d : d
    }
    const repository = ProductRepository.of({
      insert: (p) => Ref.update(products, (m) => new Map(m).set(p.id, p)),
      findById: (id) => Effect.map(Ref.get(products), (m) => Option.fromNullishOr(m.get(id))),
      update: (p) =>
        Ref.update(products, (m) => {
          const stored = m.get(p.id)
          return stored ? new Map(m).set(p.id, new Product({ ...p, ratingAverage: stored.ratingAverage, ratingCount: stored.ratingCount, salesCount: stored.salesCount })) : m
        }),
      catalogue: (filter, sort, after, limit) =>
        Effect.map(all, (ps) => {
          const desc = sort !== "price_asc"
          return ps
            .filter((p) =>
              p.status === "approved" &&
              Option.match(filter.q, { onNone: () => true, onSome: (q) => words(q).every((w) => words(`${p.title} ${p.category} ${p.description}`).includes(w)) }) &&
              Option.match(filter.category, { onNone: () => true, onSome: (c) => p.category === c }) &&
              Option.match(filter.minPrice, { onNone: () => true, onSome: (min) => p.price >= min }) &&
              Option.match(filter.maxPrice, { onNone: () => true, onSome: (max) => p.price <= max }) &&
              Option.match(filter.currency, { onNone: () => true, onSome: (c) => p.currency === c }) &&
              Option.match(after, {
                onNone: () => true,
                onSome: (pos) => {
                  const k = sortKey(p, sort)
                  return desc ? k < pos.at || (k === pos.at && p.id < pos.id) : k > pos.at || (k === pos.at && p.id > pos.id)
                }
              })
            )
            .sort(ordered(sort, desc))
            .slice(0, limit + 1)
        }),
      bySeller: (sellerId, after, limit) => Effect.map(all, (ps) => newestFirstAfter(ps.filter((p) => p.sellerId === sellerId), after, limit)),
      byStatus: (status, after, limit) =>
        Effect.map(all, (ps) =>
          ps
            .filter((p) => p.status === status)
            .filter((p) => Option.match(after, { onNone: () => true, onSome: (pos) => DateTime.toEpochMillis(p.createdAt) > pos.at || (DateTime.toEpochMillis(p.createdAt) === pos.at && p.id > pos.id) }))
            .sort((a, b) => DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt) || (a.id < b.id ? -1 : 1))
            .slice(0, limit + 1)),
      categories: Effect.map(all, (ps) => {
        const counts = new Map<string, number>()
        for (const p of ps.filter((x) => x.status === "approved")) counts.set(p.category, (counts.get(p.category) ?? 0) + 1)
        return [...counts].map(([category, count]) => ({ category, count })).sort((a, b) => b.count - a.count || (a.category < b.category ? -1 : 1))
      })
    })
    const change = (id: ProductId, f: (p: Product) => Product) =>
      Ref.update(products, (m) => {
        const stored = m.get(id)
        return stored ? new Map(m).set(id, f(stored)) : m
      })
    const stats = ProductStatsMemory.of({
      setRating: (id, summary) => change(id, (p) => new Product({ ...p, ...summary })),
      addSales: (id, delta) => change(id, (p) => new Product({ ...p, salesCount: p.salesCount + delta }))
    })
    return Context.make(ProductRepository, repository).pipe(Context.add(ProductStatsMemory, stats))
  })
)
