import { Schema, SchemaTransformation } from "effect"
import { INSTANCE_NAME_CHARS } from "../../domain/marketplace/license.js"
import { Currency, Price, PRODUCT_LIMITS, ProductStatus } from "../../domain/marketplace/product.js"
import { withDefault } from "./request-fields.js"
import { PageQuery } from "./pagination.js"

const Title = Schema.Trim.pipe(Schema.check(Schema.isMinLength(1, { message: "title must not be empty" })), Schema.check(Schema.isMaxLength(PRODUCT_LIMITS.titleChars)))
const Description = Schema.String.pipe(Schema.check(Schema.isMaxLength(PRODUCT_LIMITS.descriptionChars)))
const Category = Schema.String.pipe(
  Schema.decodeTo(Schema.String, SchemaTransformation.trim()),
  Schema.decodeTo(Schema.String, SchemaTransformation.toLowerCase()),
  Schema.check(Schema.isMinLength(1, { message: "category must not be empty" })),
  Schema.check(Schema.isMaxLength(PRODUCT_LIMITS.categoryChars))
)
const Tags = Schema.Array(Schema.Trim.pipe(Schema.check(Schema.isMinLength(1)), Schema.check(Schema.isMaxLength(PRODUCT_LIMITS.tagChars)))).pipe(Schema.check(Schema.isMaxLength(PRODUCT_LIMITS.tags)))
const ActivationLimit = Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: PRODUCT_LIMITS.activationLimit }, { message: `license_activation_limit must be between 1 and ${PRODUCT_LIMITS.activationLimit}` })))

export const CreateProductRequest = Schema.Struct({
  title: Title,
  description: withDefault(Description, ""),
  category: Category,
  tags: withDefault(Tags, []),
  price: Price,
  currency: Currency,
  license_activation_limit: withDefault(ActivationLimit, 1)
})

export const UpdateProductRequest = Schema.Struct({
  title: Schema.optional(Title),
  description: Schema.optional(Description),
  category: Schema.optional(Category),
  tags: Schema.optional(Tags),
  price: Schema.optional(Price),
  currency: Schema.optional(Currency),
  license_activation_limit: Schema.optional(ActivationLimit)
})

export const RejectRequest = Schema.Struct({
  reason: Schema.Trim.pipe(Schema.check(Schema.isMinLength(1, { message: "reason must not be empty" })), Schema.check(Schema.isMaxLength(2000)))
})

export const CatalogueQuery = Schema.Struct({
  ...PageQuery.fields,
  q: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(200)))),
  category: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(PRODUCT_LIMITS.categoryChars)))),
  min_price: Schema.optional(Schema.NumberFromString.pipe(Schema.check(Schema.isInt()), Schema.check(Schema.isGreaterThanOrEqualTo(0)))),
  max_price: Schema.optional(Schema.NumberFromString.pipe(Schema.check(Schema.isInt()), Schema.check(Schema.isGreaterThanOrEqualTo(0)))),
  currency: Schema.optional(Currency),
  sort: withDefault(Schema.Literals(["newest", "price_asc", "price_desc", "rating", "sales"]), "newest")
})

export const AdminProductsQuery = Schema.Struct({
  ...PageQuery.fields,
  status: withDefault(ProductStatus, "pending_review")
})

export const FileQuery = Schema.Struct({ filename: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMinLength(1)), Schema.check(Schema.isMaxLength(200)))) })

export class ProductResponse extends Schema.Class<ProductResponse>("ProductResponse")({
  id: Schema.String.check(Schema.isUUID()),
  seller_id: Schema.String.check(Schema.isUUID()),
  title: Schema.String,
  slug: Schema.String,
  description: Schema.String,
  category: Schema.String,
  tags: Schema.Array(Schema.String),
  price: Schema.Int,
  currency: Schema.String,
  license_activation_limit: Schema.Int,
  status: ProductStatus,
  rejection_reason: Schema.NullOr(Schema.String),
  file: Schema.NullOr(Schema.Struct({ name: Schema.String, size: Schema.Int, content_type: Schema.String })),
  rating_average: Schema.Number,
  rating_count: Schema.Int,
  sales_count: Schema.Int,
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString
}) {}

export class CategoriesResponse extends Schema.Class<CategoriesResponse>("CategoriesResponse")({
  items: Schema.Array(Schema.Struct({ category: Schema.String, count: Schema.Int }))
}) {}

export class OrderResponse extends Schema.Class<OrderResponse>("OrderResponse")({
  id: Schema.String.check(Schema.isUUID()),
  order_id: Schema.String.check(Schema.isUUID()),
  product_id: Schema.String.check(Schema.isUUID()),
  amount: Schema.Int,
  currency: Schema.String,
  status: Schema.Literals(["pending", "expired", "paid", "refunded"]),
  provider: Schema.Literals(["manual", "stripe"]),
  checkout_url: Schema.NullOr(Schema.String),
  created_at: Schema.DateTimeUtcFromString,
  updated_at: Schema.DateTimeUtcFromString
}) {}

export class DownloadResponse extends Schema.Class<DownloadResponse>("DownloadResponse")({
  url: Schema.String,
  expires_at: Schema.DateTimeUtcFromString
}) {}

const LicenseStatus = Schema.Literals(["active", "revoked"])
const ActivationSummary = Schema.Struct({ instance_id: Schema.String.check(Schema.isUUID()), instance_name: Schema.String, created_at: Schema.DateTimeUtcFromString })

export class LicensesResponse extends Schema.Class<LicensesResponse>("LicensesResponse")({
  items: Schema.Array(Schema.Struct({
    id: Schema.String.check(Schema.isUUID()),
    order_id: Schema.String.check(Schema.isUUID()),
    product_id: Schema.String.check(Schema.isUUID()),
    license_key: Schema.String,
    activation_limit: Schema.Int,
    status: LicenseStatus,
    created_at: Schema.DateTimeUtcFromString,
    /** The active activations, oldest first. */
    activations: Schema.Array(ActivationSummary),
    activations_used: Schema.Int
  }))
}) {}

/** Keys are 29 characters (five groups of five, upper case: a key typed in lower case still matches); anything far longer is not a key. */
const LicenseKey = Schema.String.pipe(
  Schema.decodeTo(Schema.String, SchemaTransformation.trim()),
  Schema.decodeTo(Schema.String, SchemaTransformation.toUpperCase()),
  Schema.check(Schema.isMinLength(1, { message: "license_key must not be empty" })),
  Schema.check(Schema.isMaxLength(100, { message: "license_key is too long" }))
)
const InstanceName = Schema.Trim.pipe(
  Schema.check(Schema.isMinLength(1, { message: "instance_name must not be empty" })),
  Schema.check(Schema.isMaxLength(INSTANCE_NAME_CHARS, { message: `instance_name must be at most ${INSTANCE_NAME_CHARS} characters` }))
)

export const ActivateRequest = Schema.Struct({ license_key: LicenseKey, instance_name: InstanceName })
export const ValidateRequest = Schema.Struct({ license_key: LicenseKey, instance_id: Schema.optional(Schema.String.check(Schema.isUUID())) })
export const DeactivateRequest = Schema.Struct({ license_key: LicenseKey, instance_id: Schema.String.check(Schema.isUUID()) })

export class ActivationResponse extends Schema.Class<ActivationResponse>("ActivationResponse")({
  instance_id: Schema.String.check(Schema.isUUID()),
  instance_name: Schema.String,
  license_key: Schema.String,
  activations_used: Schema.Int,
  activation_limit: Schema.Int,
  created_at: Schema.DateTimeUtcFromString,
  deactivated_at: Schema.NullOr(Schema.DateTimeUtcFromString)
}) {}

export class ValidationResponse extends Schema.Class<ValidationResponse>("ValidationResponse")({
  valid: Schema.Boolean,
  status: LicenseStatus,
  activations_used: Schema.Int,
  activation_limit: Schema.Int,
  product_id: Schema.String.check(Schema.isUUID()),
  /** The named activation of this license; null when none was named or it is not one of this license. */
  instance: Schema.NullOr(Schema.Struct({
    instance_id: Schema.String.check(Schema.isUUID()),
    instance_name: Schema.String,
    active: Schema.Boolean,
    created_at: Schema.DateTimeUtcFromString,
    deactivated_at: Schema.NullOr(Schema.DateTimeUtcFromString)
  }))
}) {}

export const DashboardQuery = Schema.Struct({
  days: withDefault(Schema.NumberFromString.pipe(Schema.check(Schema.isInt({ message: "days must be a whole number from 1 to 365" })), Schema.check(Schema.isBetween({ minimum: 1, maximum: 365 }, { message: "days must be a whole number from 1 to 365" }))), 30)
})

const Money = Schema.Int
export class DashboardResponse extends Schema.Class<DashboardResponse>("DashboardResponse")({
  days: Schema.Int,
  /** The window's first UTC day; it ends now. */
  since: Schema.String,
  currency_totals: Schema.Array(Schema.Struct({
    currency: Schema.String,
    sales_count: Schema.Int,
    refunds_count: Schema.Int,
    gross: Money,
    fees: Money,
    net: Money,
    refunded_gross: Money
  })),
  average_rating: Schema.NullOr(Schema.Number),
  rating_count: Schema.Int,
  revenue_per_day: Schema.Array(Schema.Struct({ date: Schema.String, currency: Schema.String, gross: Money, net: Money, sales: Schema.Int })),
  top_products: Schema.Array(Schema.Struct({ product_id: Schema.String.check(Schema.isUUID()), title: Schema.String, currency: Schema.String, sales: Schema.Int, net: Money }))
}) {}
