import { Schema } from "effect"
import { INSTANCE_NAME_CHARS } from "../../domain/marketplace/license.js"
import { Currency, Price, PRODUCT_LIMITS, ProductStatus } from "../../domain/marketplace/product.js"
import { requestBody } from "./identity-schemas.js"
import { PageQuery } from "./pagination.js"

const Title = Schema.Trim.pipe(Schema.minLength(1, { message: () => "title must not be empty" }), Schema.maxLength(PRODUCT_LIMITS.titleChars))
const Description = Schema.String.pipe(Schema.maxLength(PRODUCT_LIMITS.descriptionChars))
const Category = Schema.compose(Schema.Trim, Schema.Lowercase).pipe(
  Schema.minLength(1, { message: () => "category must not be empty" }),
  Schema.maxLength(PRODUCT_LIMITS.categoryChars)
)
const Tags = Schema.Array(Schema.Trim.pipe(Schema.minLength(1), Schema.maxLength(PRODUCT_LIMITS.tagChars))).pipe(Schema.maxItems(PRODUCT_LIMITS.tags))
const ActivationLimit = Schema.Int.pipe(Schema.between(1, PRODUCT_LIMITS.activationLimit, { message: () => `license_activation_limit must be between 1 and ${PRODUCT_LIMITS.activationLimit}` }))

export const CreateProductRequest = requestBody({
  title: Title,
  description: Schema.optionalWith(Description, { default: () => "" }),
  category: Category,
  tags: Schema.optionalWith(Tags, { default: () => [] }),
  price: Price,
  currency: Currency,
  license_activation_limit: Schema.optionalWith(ActivationLimit, { default: () => 1 })
})

export const UpdateProductRequest = requestBody({
  title: Schema.optional(Title),
  description: Schema.optional(Description),
  category: Schema.optional(Category),
  tags: Schema.optional(Tags),
  price: Schema.optional(Price),
  currency: Schema.optional(Currency),
  license_activation_limit: Schema.optional(ActivationLimit)
})

export const RejectRequest = requestBody({
  reason: Schema.Trim.pipe(Schema.minLength(1, { message: () => "reason must not be empty" }), Schema.maxLength(2000))
})

export const CatalogueQuery = Schema.Struct({
  ...PageQuery.fields,
  q: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  category: Schema.optional(Schema.String.pipe(Schema.maxLength(PRODUCT_LIMITS.categoryChars))),
  min_price: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())),
  max_price: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())),
  currency: Schema.optional(Currency),
  sort: Schema.optionalWith(Schema.Literal("newest", "price_asc", "price_desc", "rating", "sales"), { default: () => "newest" as const })
}).annotations({ parseOptions: { errors: "all" } })

export const AdminProductsQuery = Schema.Struct({
  ...PageQuery.fields,
  status: Schema.optionalWith(ProductStatus, { default: () => "pending_review" as const })
})

export const FileQuery = Schema.Struct({ filename: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))) })

export class ProductResponse extends Schema.Class<ProductResponse>("ProductResponse")({
  id: Schema.UUID,
  seller_id: Schema.UUID,
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
  created_at: Schema.DateTimeUtc,
  updated_at: Schema.DateTimeUtc
}) {}

export class CategoriesResponse extends Schema.Class<CategoriesResponse>("CategoriesResponse")({
  items: Schema.Array(Schema.Struct({ category: Schema.String, count: Schema.Int }))
}) {}

export class OrderResponse extends Schema.Class<OrderResponse>("OrderResponse")({
  id: Schema.UUID,
  order_id: Schema.UUID,
  product_id: Schema.UUID,
  amount: Schema.Int,
  currency: Schema.String,
  status: Schema.Literal("pending", "expired", "paid", "refunded"),
  provider: Schema.Literal("manual", "stripe"),
  checkout_url: Schema.NullOr(Schema.String),
  created_at: Schema.DateTimeUtc,
  updated_at: Schema.DateTimeUtc
}) {}

export class DownloadResponse extends Schema.Class<DownloadResponse>("DownloadResponse")({
  url: Schema.String,
  expires_at: Schema.DateTimeUtc
}) {}

const LicenseStatus = Schema.Literal("active", "revoked")
const ActivationSummary = Schema.Struct({ instance_id: Schema.UUID, instance_name: Schema.String, created_at: Schema.DateTimeUtc })

export class LicensesResponse extends Schema.Class<LicensesResponse>("LicensesResponse")({
  items: Schema.Array(Schema.Struct({
    id: Schema.UUID,
    order_id: Schema.UUID,
    product_id: Schema.UUID,
    license_key: Schema.String,
    activation_limit: Schema.Int,
    status: LicenseStatus,
    created_at: Schema.DateTimeUtc,
    /** The active activations, oldest first. */
    activations: Schema.Array(ActivationSummary),
    activations_used: Schema.Int
  }))
}) {}

/** Keys are 29 characters (five groups of five, upper case: a key typed in lower case still matches); anything far longer is not a key. */
const LicenseKey = Schema.compose(Schema.Trim, Schema.Uppercase).pipe(
  Schema.minLength(1, { message: () => "license_key must not be empty" }),
  Schema.maxLength(100, { message: () => "license_key is too long" })
)
const InstanceName = Schema.Trim.pipe(
  Schema.minLength(1, { message: () => "instance_name must not be empty" }),
  Schema.maxLength(INSTANCE_NAME_CHARS, { message: () => `instance_name must be at most ${INSTANCE_NAME_CHARS} characters` })
)

export const ActivateRequest = requestBody({ license_key: LicenseKey, instance_name: InstanceName })
export const ValidateRequest = requestBody({ license_key: LicenseKey, instance_id: Schema.optional(Schema.UUID) })
export const DeactivateRequest = requestBody({ license_key: LicenseKey, instance_id: Schema.UUID })

export class ActivationResponse extends Schema.Class<ActivationResponse>("ActivationResponse")({
  instance_id: Schema.UUID,
  instance_name: Schema.String,
  license_key: Schema.String,
  activations_used: Schema.Int,
  activation_limit: Schema.Int,
  created_at: Schema.DateTimeUtc,
  deactivated_at: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export class ValidationResponse extends Schema.Class<ValidationResponse>("ValidationResponse")({
  valid: Schema.Boolean,
  status: LicenseStatus,
  activations_used: Schema.Int,
  activation_limit: Schema.Int,
  product_id: Schema.UUID,
  /** The named activation of this license; null when none was named or it is not one of this license. */
  instance: Schema.NullOr(Schema.Struct({
    instance_id: Schema.UUID,
    instance_name: Schema.String,
    active: Schema.Boolean,
    created_at: Schema.DateTimeUtc,
    deactivated_at: Schema.NullOr(Schema.DateTimeUtc)
  }))
}) {}

export const DashboardQuery = Schema.Struct({
  days: Schema.optionalWith(
    Schema.NumberFromString.pipe(Schema.int({ message: () => "days must be a whole number from 1 to 365" }), Schema.between(1, 365, { message: () => "days must be a whole number from 1 to 365" })),
    { default: () => 30 }
  )
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
  top_products: Schema.Array(Schema.Struct({ product_id: Schema.UUID, title: Schema.String, currency: Schema.String, sales: Schema.Int, net: Money }))
}) {}
