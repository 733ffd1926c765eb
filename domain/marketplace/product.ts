import { Result, Option, Schema } from "effect"
import { UserId } from "../identity/user.js"

export const ProductId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("ProductId"))
export type ProductId = typeof ProductId.Type

export const ProductStatus = Schema.Literals(["draft", "pending_review", "approved", "rejected", "archived"])
export type ProductStatus = typeof ProductStatus.Type

/** Money: an integer count of the currency's minor unit (cents), and an ISO 4217 code in lower case. */
export const Price = Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 100_000_000 }, { message: "price must be a whole number of minor units between 0 and 100,000,000" })))
export const Currency = Schema.String.pipe(Schema.check(Schema.isPattern(/^[a-z]{3}$/, { message: "currency must be an ISO 4217 code in lower case, such as usd or eur" })))

export const PRODUCT_LIMITS = { titleChars: 200, descriptionChars: 20_000, categoryChars: 60, tags: 20, tagChars: 40, activationLimit: 1000 } as const

export class Product extends Schema.Class<Product>("Product")({
  id: ProductId,
  sellerId: UserId,
  title: Schema.String,
  slug: Schema.String,
  description: Schema.String,
  category: Schema.String,
  tags: Schema.Array(Schema.String),
  price: Price,
  currency: Currency,
  licenseActivationLimit: Schema.Int,
  status: ProductStatus,
  /** Why an admin rejected it; kept until it is approved. */
  rejectionReason: Schema.Option(Schema.String),
  /** The digital file a buyer gets (a FileStore key), with its name and size. */
  file: Schema.Option(Schema.Struct({ key: Schema.String, name: Schema.String, size: Schema.Int, contentType: Schema.String })),
  ratingAverage: Schema.Number,
  ratingCount: Schema.Int,
  salesCount: Schema.Int,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}

/** A state change the product's status does not allow: 409, with the reason. */
export class InvalidProductTransition extends Schema.TaggedError<InvalidProductTransition>()("InvalidProductTransition", {
  from: ProductStatus,
  action: Schema.String,
  reason: Schema.String
}) {}

const refuse = (product: Product, action: string, reason: string) =>
  Result.fail(new InvalidProductTransition({ from: product.status, action, reason }))

/**
 * The approval workflow: draft → pending_review → approved → archived; pending_review → rejected
 * (reason kept) → draft on the seller's next edit. Each function answers the product's next state,
 * or why the step is not allowed.
 */
export const ProductWorkflow = {
  submit: (p: Product): Result.Result<Product, InvalidProductTransition> => {
    if (p.status !== "draft" && p.status !== "rejected") return refuse(p, "submit", `only a draft or rejected product can be submitted; this one is ${p.status}`)
    if (Option.isNone(p.file)) return refuse(p, "submit", "upload the product's file before submitting it for review")
    return Result.succeed(new Product({ ...p, status: "pending_review" }))
  },
  approve: (p: Product): Result.Result<Product, InvalidProductTransition> =>
    p.status === "pending_review"
      ? Result.succeed(new Product({ ...p, status: "approved", rejectionReason: Option.none() }))
      : refuse(p, "approve", `only a product pending review can be approved; this one is ${p.status}`),
  reject: (p: Product, reason: string): Result.Result<Product, InvalidProductTransition> =>
    p.status === "pending_review"
      ? Result.succeed(new Product({ ...p, status: "rejected", rejectionReason: Option.some(reason) }))
      : refuse(p, "reject", `only a product pending review can be rejected; this one is ${p.status}`),
  archive: (p: Product): Result.Result<Product, InvalidProductTransition> =>
    p.status === "archived" ? refuse(p, "archive", "the product is already archived") : Result.succeed(new Product({ ...p, status: "archived" })),
  /**
   * The seller edits. An archived product is frozen; a rejected one goes back to draft; an approved
   * one whose price or file changes goes back to review (buyers must see only what was approved).
   */
  edit: (p: Product, next: Product): Result.Result<Product, InvalidProductTransition> => {
    if (p.status === "archived") return refuse(p, "edit", "an archived product cannot be edited")
    if (p.status === "pending_review") return refuse(p, "edit", "the product is being reviewed; edit it once the review is done")
    if (p.status === "rejected") return Result.succeed(new Product({ ...next, status: "draft" }))
    const reviewAgain = p.status === "approved" && (next.price !== p.price || next.currency !== p.currency || !fileEquals(next.file, p.file))
    return Result.succeed(new Product({ ...next, status: reviewAgain ? "pending_review" : p.status }))
  }
}

const fileEquals = (a: Product["file"], b: Product["file"]) =>
  Option.isNone(a) ? Option.isNone(b) : Option.isSome(b) && a.value.key === b.value.key

/** A URL-safe name from a title: lower case, words joined by "-", at most 80 characters. */
export const slugify = (title: string) =>
  title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "product"
