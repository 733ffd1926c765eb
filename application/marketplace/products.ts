import { DateTime, Effect, Result, Option, type Stream } from "effect"
import { type Actor, isAdmin } from "../../domain/identity/actor.js"
import { type InvalidProductTransition, Product, ProductId, type ProductStatus, ProductWorkflow, slugify } from "../../domain/marketplace/product.js"
import { Forbidden, NotFound } from "../../domain/shared/errors.js"
import { FileStore } from "../ports/file-store.js"
import { Ids } from "../ports/ids.js"
import { type CatalogueFilter, type CatalogueSort, ProductRepository, sortKey } from "../ports/product-repository.js"
import { UserRepository } from "../ports/user-repository.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"

export interface ProductInput {
  readonly title: string
  readonly description: string
  readonly category: string
  readonly tags: ReadonlyArray<string>
  readonly price: number
  readonly currency: string
  readonly licenseActivationLimit: number
}

const load = (id: ProductId) =>
  Effect.flatMap(ProductRepository, (r) => r.findById(id)).pipe(
    Effect.flatMap(Option.match({ onNone: () => Effect.fail(new NotFound({ resource: "Product" })), onSome: Effect.succeed }))
  )

/** The seller's own product (anyone else's answers NotFound, as a missing one does). */
const ownProduct = (actor: Actor, id: ProductId) =>
  Effect.flatMap(load(id), (p) => (p.sellerId === actor.userId ? Effect.succeed(p) : Effect.fail(new NotFound({ resource: "Product" }))))

const adminOnly = (actor: Actor) => isAdmin(actor) ? Effect.void : Effect.fail(new Forbidden({ reason: "only an administrator reviews products" }))

const apply = (step: Result.Result<Product, InvalidProductTransition>) =>
  Effect.flatMap(Result.match(step, { onFailure: Effect.fail, onSuccess: Effect.succeed }), (next) =>
    Effect.map(DateTime.now, (now) => new Product({ ...next, updatedAt: now })))

const save = (p: Product) => Effect.as(Effect.flatMap(ProductRepository, (r) => r.update(p)), p)

/** Any user with a verified email sells: a draft, until submitted for review. */
export const createProduct = Effect.fn("Marketplace.createProduct")(function*(actor: Actor, input: ProductInput) {
  const user = yield* (yield* UserRepository).findById(actor.userId)
  if (Option.isNone(user) || Option.isNone(user.value.emailVerifiedAt)) {
    return yield* Effect.fail(new Forbidden({ reason: "verify your email address before selling" }))
  }
  const now = yield* DateTime.now
  const id = ProductId.make(yield* (yield* Ids).next)
  const product = new Product({
    id,
    sellerId: actor.userId,
    ...input,
    tags: [...new Set(input.tags)],
    slug: `${slugify(input.title)}-${id.slice(-8)}`,
    status: "draft",
    rejectionReason: Option.none(),
    file: Option.none(),
    ratingAverage: 0,
    ratingCount: 0,
    salesCount: 0,
    createdAt: now,
    updatedAt: now
  })
  yield* (yield* ProductRepository).insert(product)
  return product
})

export const updateProduct = Effect.fn("Marketplace.updateProduct")(function*(actor: Actor, id: ProductId, patch: Partial<ProductInput>) {
  const current = yield* ownProduct(actor, id)
  const next = new Product({ ...current, ...patch, tags: patch.tags ? [...new Set(patch.tags)] : current.tags })
  return yield* save(yield* apply(ProductWorkflow.edit(current, next)))
})

/** Deleting archives: orders and licenses of past buyers keep pointing at it. */
export const archiveProduct = Effect.fn("Marketplace.archiveProduct")(function*(actor: Actor, id: ProductId) {
  return yield* save(yield* apply(ProductWorkflow.archive(yield* ownProduct(actor, id))))
})

export const submitProduct = Effect.fn("Marketplace.submitProduct")(function*(actor: Actor, id: ProductId) {
  return yield* save(yield* apply(ProductWorkflow.submit(yield* ownProduct(actor, id))))
})

/**
 * Stores the product's file (streamed); a new file for an approved product sends it back to review.
 * The name and type are read once the body has been (a multipart part names them inside the body).
 */
export const uploadProductFile = Effect.fn("Marketplace.uploadProductFile")(function*<E>(
  actor: Actor,
  id: ProductId,
  upload: { readonly body: Stream.Stream<Uint8Array, E>; readonly filename: () => string; readonly contentType: () => string }
) {
  const current = yield* ownProduct(actor, id)
  // Refused before the upload is read when the product cannot take a file now.
  yield* apply(ProductWorkflow.edit(current, current))
  const key = `products/${id}/${yield* (yield* Ids).next}`
  const stored = yield* (yield* FileStore).put(key, upload.body, "application/octet-stream")
  const name = upload.filename().replace(/[^\w.-]+/g, "_").slice(-120) || "file"
  const next = new Product({ ...current, file: Option.some({ key, name, size: stored.size, contentType: upload.contentType() }) })
  return yield* save(yield* apply(ProductWorkflow.edit(current, next)))
})

export const approveProduct = Effect.fn("Marketplace.approveProduct")(function*(actor: Actor, id: ProductId) {
  yield* adminOnly(actor)
  return yield* save(yield* apply(ProductWorkflow.approve(yield* load(id))))
})

export const rejectProduct = Effect.fn("Marketplace.rejectProduct")(function*(actor: Actor, id: ProductId, reason: string) {
  yield* adminOnly(actor)
  return yield* save(yield* apply(ProductWorkflow.reject(yield* load(id), reason)))
})

/** The admin review queue (or any status), oldest first. */
export const productsByStatus = Effect.fn("Marketplace.productsByStatus")(function*(actor: Actor, status: ProductStatus, page: PageRequest) {
  yield* adminOnly(actor)
  const rows = yield* (yield* ProductRepository).byStatus(status, yield* decodeCursor(page.cursor), page.limit)
  return toPage(rows, page.limit, (p) => ({ at: DateTime.toEpochMillis(p.createdAt), id: p.id }))
})

export const sellerProducts = Effect.fn("Marketplace.sellerProducts")(function*(actor: Actor, page: PageRequest) {
  const rows = yield* (yield* ProductRepository).bySeller(actor.userId, yield* decodeCursor(page.cursor), page.limit)
  return toPage(rows, page.limit, (p) => ({ at: DateTime.toEpochMillis(p.createdAt), id: p.id }))
})

/** The public catalogue: approved products only. */
export const catalogue = Effect.fn("Marketplace.catalogue")(function*(filter: CatalogueFilter, sort: CatalogueSort, page: PageRequest) {
  const rows = yield* (yield* ProductRepository).catalogue(filter, sort, yield* decodeCursor(page.cursor), page.limit)
  return toPage(rows, page.limit, (p) => ({ at: sortKey(p, sort), id: p.id }))
})

/**
 * A product by id: an approved one for anyone; the seller's own in any state (draft, pending,
 * rejected with its reason, archived), to a session or a key with marketplace:read. Anything else
 * answers NotFound, as a missing product does.
 */
export const publicProduct = Effect.fn("Marketplace.publicProduct")(function*(id: ProductId, caller: Option.Option<Actor> = Option.none()) {
  const product = yield* load(id)
  if (product.status === "approved") return product
  const isSeller = Option.exists(caller, (a) => a.userId === product.sellerId && a.scopes.has("marketplace:read"))
  return isSeller ? product : yield* Effect.fail(new NotFound({ resource: "Product" }))
})

export const categories = Effect.fn("Marketplace.categories")(function*() {
  return yield* (yield* ProductRepository).categories
})
