import { SqlClient, SqlSchema } from "effect/sql"
import type { Statement } from "effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { type CatalogueSort, ProductRepository } from "../../application/ports/product-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { Product, ProductId, ProductStatus } from "../../domain/marketplace/product.js"
import { allRows, firstRow, Int8, reshapedInto, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

/** The product's file is four nullable columns, all set or all null. */
const ProductRow = reshapedInto(
  Row({
    id: ProductId,
    sellerId: UserId,
    title: Schema.String,
    slug: Schema.String,
    description: Schema.String,
    category: Schema.String,
    tags: Schema.Array(Schema.String),
    price: Int8,
    currency: Schema.String,
    licenseActivationLimit: Schema.Int,
    status: ProductStatus,
    rejectionReason: Schema.OptionFromNullOr(Schema.String),
    fileKey: Schema.NullOr(Schema.String),
    fileName: Schema.NullOr(Schema.String),
    fileSize: Schema.NullOr(Int8),
    fileContentType: Schema.NullOr(Schema.String),
    ratingAverage: Schema.Number,
    ratingCount: Schema.Int,
    salesCount: Schema.Int,
    createdAt: Timestamp,
    updatedAt: Timestamp
  }),
  Product,
  {
    decode: ({ fileContentType, fileKey, fileName, fileSize, ...product }) => ({
      ...product,
      file: fileKey === null
        ? Option.none()
        : Option.some({ key: fileKey, name: fileName ?? "", size: fileSize ?? 0, contentType: fileContentType ?? "application/octet-stream" })
    }),
    encode: ({ file, ...product }) => ({
      ...product,
      fileKey: Option.getOrNull(Option.map(file, (f) => f.key)),
      fileName: Option.getOrNull(Option.map(file, (f) => f.name)),
      fileSize: Option.getOrNull(Option.map(file, (f) => f.size)),
      fileContentType: Option.getOrNull(Option.map(file, (f) => f.contentType))
    })
  }
)
const products = allRows(ProductRow)
const product = firstRow(ProductRow)
const categories = allRows(Row({ category: Schema.String, count: Int8 }))

const COLUMNS = `id, seller_id, title, slug, description, category, tags, price, currency, license_activation_limit, status,
  rejection_reason, file_key, file_name, file_size, file_content_type, rating_average, rating_count, sales_count, created_at, updated_at`

/** What an update leaves alone: the identity, and the rating summary and sales count that reviews and orders keep. */
const KEPT_ON_UPDATE = ["id", "seller_id", "slug", "rating_average", "rating_count", "sales_count", "created_at"] as const

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
    const insert = SqlSchema.void({ Request: ProductRow, execute: (row) => sql`INSERT INTO products ${sql.insert(row)}` })
    const update = SqlSchema.void({
      Request: ProductRow,
      execute: (row) => sql`UPDATE products SET ${sql.update(row, KEPT_ON_UPDATE)} WHERE id = ${row.id}`
    })
    const select = (where: Statement.Fragment, order: string, limit: number) =>
      products(sql`SELECT ${sql.literal(COLUMNS)} FROM products WHERE ${where} ORDER BY ${sql.literal(order)} LIMIT ${limit}`).pipe(
        orStorageFailure
      )
    return ProductRepository.of({
      insert: (p) => insert(p).pipe(orStorageFailure),
      findById: (id) => product(sql`SELECT ${sql.literal(COLUMNS)} FROM products WHERE id = ${id}`).pipe(orStorageFailure),
      update: (p) => update(p).pipe(orStorageFailure),
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
      categories: categories(
        sql`SELECT category, count(*) AS count FROM products WHERE status = 'approved' GROUP BY category ORDER BY count(*) DESC, category`
      ).pipe(orStorageFailure)
    })
  })
)
