import { SqlClient } from "@effect/sql"
import type { Statement } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { type CatalogueSort, ProductRepository } from "../../application/ports/product-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { Product, ProductId, ProductStatus } from "../../domain/marketplace/product.js"
import { textArray } from "./sql-values.js"
import { orStorageFailure } from "./storage-errors.js"

const ProductRow = Schema.Struct({
  id: Schema.String,
  seller_id: Schema.String,
  title: Schema.String,
  slug: Schema.String,
  description: Schema.String,
  category: Schema.String,
  tags: Schema.Array(Schema.String),
  price: Schema.Union(Schema.Number, Schema.NumberFromString),
  currency: Schema.String,
  license_activation_limit: Schema.Number,
  status: ProductStatus,
  rejection_reason: Schema.NullOr(Schema.String),
  file_key: Schema.NullOr(Schema.String),
  file_name: Schema.NullOr(Schema.String),
  file_size: Schema.NullOr(Schema.Union(Schema.Number, Schema.NumberFromString)),
  file_content_type: Schema.NullOr(Schema.String),
  rating_average: Schema.Number,
  rating_count: Schema.Number,
  sales_count: Schema.Number,
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf
})
const decode = Schema.decodeUnknown(Schema.Array(ProductRow))
const toProduct = (r: typeof ProductRow.Type) =>
  new Product({
    id: ProductId.make(r.id),
    sellerId: UserId.make(r.seller_id),
    title: r.title,
    slug: r.slug,
    description: r.description,
    category: r.category,
    tags: r.tags,
    price: r.price,
    currency: r.currency,
    licenseActivationLimit: r.license_activation_limit,
    status: r.status,
    rejectionReason: Option.fromNullable(r.rejection_reason),
    file: r.file_key === null
      ? Option.none()
      : Option.some({ key: r.file_key, name: r.file_name ?? "", size: r.file_size ?? 0, contentType: r.file_content_type ?? "application/octet-stream" }),
    ratingAverage: r.rating_average,
    ratingCount: r.rating_count,
    salesCount: r.sales_count,
    createdAt: DateTime.unsafeFromDate(r.created_at),
    updatedAt: DateTime.unsafeFromDate(r.updated_at)
  })

const COLUMNS = `id, seller_id, title, slug, description, category, tags, price, currency, license_activation_limit, status,
  rejection_reason, file_key, file_name, file_size, file_content_type, rating_average, rating_count, sales_count, created_at, updated_at`

/** Each sort's key column and direction; ties always by id in the same direction. */
const ORDER: Record<CatalogueSort, { readonly column: string; readonly desc: boolean; readonly time?: true }> = {
  newest: { column: "created_at", desc: true, time: true },
  price_asc: { column: "price", desc: false },
  price_desc: { column: "price", desc: true },
  rating: { column: "rating_average", desc: true },
  sales: { column: "sales_count", desc: true }
}

export const ProductRepositorySql = Layer.effect(
  ProductRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const columns = (p: Product) => ({
      title: p.title,
      description: p.description,
      category: p.category,
      tags: textArray(p.tags),
      price: p.price,
      currency: p.currency,
      license_activation_limit: p.licenseActivationLimit,
      status: p.status,
      rejection_reason: Option.getOrNull(p.rejectionReason),
      file_key: Option.getOrNull(Option.map(p.file, (f) => f.key)),
      file_name: Option.getOrNull(Option.map(p.file, (f) => f.name)),
      file_size: Option.getOrNull(Option.map(p.file, (f) => f.size)),
      file_content_type: Option.getOrNull(Option.map(p.file, (f) => f.contentType)),
      updated_at: DateTime.toDateUtc(p.updatedAt)
    })
    const select = (where: Statement.Fragment, order: string, limit: number) =>
      sql`SELECT ${sql.literal(COLUMNS)} FROM products WHERE ${where} ORDER BY ${sql.literal(order)} LIMIT ${limit}`.pipe(
        Effect.flatMap(decode),
        Effect.map((rows) => rows.map(toProduct)),
        orStorageFailure
      )
    return {
      insert: (p) =>
        sql`INSERT INTO products ${sql.insert({
          id: p.id,
          seller_id: p.sellerId,
          slug: p.slug,
          rating_average: p.ratingAverage,
          rating_count: p.ratingCount,
          sales_count: p.salesCount,
          created_at: DateTime.toDateUtc(p.createdAt),
          ...columns(p)
        })}`.pipe(
          Effect.asVoid,
          orStorageFailure
        ),
      findById: (id) => Effect.map(select(sql`id = ${id}`, "id", 1), (rows) => Option.fromNullable(rows[0])),
      update: (p) => sql`UPDATE products SET ${sql.update(columns(p))} WHERE id = ${p.id}`.pipe(Effect.asVoid, orStorageFailure),
      catalogue: (filter, sort, after, limit) => {
        const { column, desc, time } = ORDER[sort]
        const dir = desc ? "DESC" : "ASC"
        const conditions = [
          sql`status = 'approved'`,
          ...Option.toArray(Option.map(filter.q, (q) => sql`search @@ websearch_to_tsquery('english', ${q})`)),
          ...Option.toArray(Option.map(filter.category, (c) => sql`category = ${c}`)),
          ...Option.toArray(Option.map(filter.minPrice, (p) => sql`price >= ${p}`)),
          ...Option.toArray(Option.map(filter.maxPrice, (p) => sql`price <= ${p}`)),
          ...Option.toArray(Option.map(filter.currency, (c) => sql`currency = ${c}`)),
          ...Option.toArray(Option.map(after, (p) => {
            const key = time ? new Date(p.at) : p.at
            return desc
              ? sql`(${sql(column)}, id) < (${key}, ${p.id}::uuid)`
              : sql`(${sql(column)}, id) > (${key}, ${p.id}::uuid)`
          }))
        ]
        return select(sql.and(conditions), `${column} ${dir}, id ${dir}`, limit + 1)
      },
      bySeller: (sellerId, after, limit) =>
        select(
          sql.and([sql`seller_id = ${sellerId}`, ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)`))]),
          "created_at DESC, id DESC",
          limit + 1
        ),
      byStatus: (status, after, limit) =>
        select(
          sql.and([sql`status = ${status}`, ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) > (${new Date(p.at)}, ${p.id}::uuid)`))]),
          "created_at ASC, id ASC",
          limit + 1
        ),
      categories: sql<{ category: string; count: string | number }>`
        SELECT category, count(*) AS count FROM products WHERE status = 'approved' GROUP BY category ORDER BY count(*) DESC, category`.pipe(
        Effect.map((rows) => rows.map((r) => ({ category: r.category, count: Number(r.count) }))),
        orStorageFailure
      )
    }
  })
)
