import { HttpApiBuilder } from "effect/http-api"
import { uploadedFile } from "../uploads.js"
import { Effect, Option } from "effect"
import {
  approveProduct,
  archiveProduct,
  catalogue,
  categories,
  createProduct,
  productsByStatus,
  publicProduct,
  rejectProduct,
  sellerProducts,
  submitProduct,
  updateProduct,
  uploadProductFile
} from "../../../application/marketplace/products.js"
import { type Product, ProductId } from "../../../domain/marketplace/product.js"
import { BrainOpsApi } from "../api.js"
import { optionalCaller } from "../optional-caller.js"
import { Authentication, CurrentActor } from "../current-actor.js"
import { httpErrors, toHttpError } from "../error-mapping.js"
import { BadRequest, PayloadTooLarge } from "../errors.js"
import { CategoriesResponse, DownloadResponse, OrderResponse, ProductResponse } from "../marketplace-schemas.js"
import { downloadLink, getOrder, listOrders, markPaid, purchase, refundOrder } from "../../../application/marketplace/orders.js"
import { activate, deactivate, listLicenses, validate } from "./licenses.js"
import { dashboard } from "./seller-dashboard.js"
import { type Order, OrderId } from "../../../domain/marketplace/order.js"
import { toPageRequest, toPageResponse } from "../pagination.js"
import { capturingOnly } from "../captured-context.js"
import { LastUseRecorder } from "../../../application/ports/last-use-recorder.js"
import { RequestRateLimiter } from "../../../application/ports/rate-limiter.js"
import { AccessTokens } from "../../../application/ports/access-tokens.js"
import { RateLimitSettings } from "../../../application/identity/limits.js"
import { ApiKeyRepository } from "../../../application/ports/api-key-repository.js"
import { SessionRepository } from "../../../application/ports/session-repository.js"
import { SecretTokens } from "../../../application/ports/secret-tokens.js"
import { Ids } from "../../../application/ports/ids.js"
import { MarketplaceSettings, OrderRepository, Payments } from "../../../application/ports/orders.js"
import { UnitOfWork } from "../../../application/ports/unit-of-work.js"
import { ProductRepository } from "../../../application/ports/product-repository.js"
import { LicenseRepository } from "../../../application/ports/licenses.js"
import { FileLinks } from "../../../application/ports/file-links.js"
import { SellerDashboardReader } from "../../../application/ports/seller-dashboard.js"
import { UserRepository } from "../../../application/ports/user-repository.js"
import { FileStore } from "../../../application/ports/file-store.js"

export const toProductResponse = (p: Product) =>
  new ProductResponse({
    id: p.id,
    seller_id: p.sellerId,
    title: p.title,
    slug: p.slug,
    description: p.description,
    category: p.category,
    tags: p.tags,
    price: p.price,
    currency: p.currency,
    license_activation_limit: p.licenseActivationLimit,
    status: p.status,
    rejection_reason: Option.getOrNull(p.rejectionReason),
    file: Option.getOrNull(Option.map(p.file, (f) => ({ name: f.name, size: f.size, content_type: f.contentType }))),
    rating_average: p.ratingAverage,
    rating_count: p.ratingCount,
    sales_count: p.salesCount,
    created_at: p.createdAt,
    updated_at: p.updatedAt
  })


const toOrderResponse = (o: Order) =>
  new OrderResponse({
    id: o.id,
    order_id: o.id,
    product_id: o.productId,
    amount: o.amount,
    currency: o.currency,
    status: o.status,
    provider: o.provider,
    checkout_url: Option.getOrNull(o.checkoutUrl),
    created_at: o.createdAt,
    updated_at: o.updatedAt
  })
const MarketplacePublicGroup = HttpApiBuilder.group(BrainOpsApi, "marketplacePublic", (handlers) =>
  handlers
    .handle("catalogue", ({ query }) =>
      catalogue({
        q: Option.fromNullishOr(query.q),
        category: Option.map(Option.fromNullishOr(query.category), (c) => c.trim().toLowerCase()),
        minPrice: Option.fromNullishOr(query.min_price),
        maxPrice: Option.fromNullishOr(query.max_price),
        currency: Option.fromNullishOr(query.currency)
      }, query.sort, toPageRequest(query)).pipe(Effect.map((page) => toPageResponse(page, toProductResponse)), httpErrors))
    .handle("product", ({ params }) =>
      Effect.flatMap(optionalCaller, (caller) => publicProduct(ProductId.make(params.id), caller).pipe(Effect.map(toProductResponse), httpErrors)))
    .handle("categories", () => categories().pipe(Effect.map((items) => new CategoriesResponse({ items })), httpErrors)))

const MarketplaceGroup = HttpApiBuilder.group(BrainOpsApi, "marketplace", (handlers) =>
  handlers
    .handle("createProduct", ({ payload }) =>
      Effect.flatMap(CurrentActor, (a) =>
        createProduct(a, {
          title: payload.title,
          description: payload.description,
          category: payload.category,
          tags: payload.tags,
          price: payload.price,
          currency: payload.currency,
          licenseActivationLimit: payload.license_activation_limit
        })).pipe(Effect.map(toProductResponse), httpErrors))
    .handle("updateProduct", ({ params, payload }) =>
      Effect.flatMap(CurrentActor, (a) =>
        updateProduct(a, ProductId.make(params.id), {
          ...(payload.title !== undefined ? { title: payload.title } : {}),
          ...(payload.description !== undefined ? { description: payload.description } : {}),
          ...(payload.category !== undefined ? { category: payload.category } : {}),
          ...(payload.tags !== undefined ? { tags: payload.tags } : {}),
          ...(payload.price !== undefined ? { price: payload.price } : {}),
          ...(payload.currency !== undefined ? { currency: payload.currency } : {}),
          ...(payload.license_activation_limit !== undefined ? { licenseActivationLimit: payload.license_activation_limit } : {})
        })).pipe(Effect.map(toProductResponse), httpErrors))
    .handle("archiveProduct", ({ params }) => Effect.flatMap(CurrentActor, (a) => archiveProduct(a, ProductId.make(params.id))).pipe(Effect.map(toProductResponse), httpErrors))
    .handle("submitProduct", ({ params }) => Effect.flatMap(CurrentActor, (a) => submitProduct(a, ProductId.make(params.id))).pipe(Effect.map(toProductResponse), httpErrors))
    .handleRaw("uploadFile", ({ params, request, query }) =>
      Effect.flatMap(CurrentActor, (a) => {
        const file = uploadedFile(request)
        return uploadProductFile(a, ProductId.make(params.id), { body: file.body, filename: () => query.filename ?? file.name() ?? "file", contentType: file.contentType }).pipe(
          Effect.map(toProductResponse),
          Effect.mapError((e) => (e instanceof BadRequest || e instanceof PayloadTooLarge ? e : toHttpError(e)))
        )
      }))
    .handle("purchase", ({ params }) => Effect.flatMap(CurrentActor, (a) => purchase(a, ProductId.make(params.id))).pipe(Effect.map(toOrderResponse), httpErrors))
    .handle("markPaid", ({ params }) => Effect.flatMap(CurrentActor, (a) => markPaid(a, OrderId.make(params.id))).pipe(Effect.map(toOrderResponse), httpErrors))
    .handle("refundOrder", ({ params }) => Effect.flatMap(CurrentActor, (a) => refundOrder(a, OrderId.make(params.id))).pipe(Effect.map(toOrderResponse), httpErrors))
    .handle("orders", ({ query }) =>
      Effect.flatMap(CurrentActor, (a) => listOrders(a, toPageRequest(query))).pipe(Effect.map((page) => toPageResponse(page, toOrderResponse)), httpErrors))
    .handle("order", ({ params }) => Effect.flatMap(CurrentActor, (a) => getOrder(a, OrderId.make(params.id))).pipe(Effect.map(toOrderResponse), httpErrors))
    .handle("download", ({ params }) =>
      Effect.flatMap(CurrentActor, (a) => downloadLink(a, OrderId.make(params.id))).pipe(
        Effect.map((d) => new DownloadResponse({ url: d.url, expires_at: d.expiresAt })),
        httpErrors
      ))
    .handle("licenses", () => Effect.flatMap(CurrentActor, listLicenses))
    .handle("activateLicense", ({ payload }) => Effect.flatMap(CurrentActor, (a) => activate(a, payload)))
    .handle("validateLicense", ({ payload }) => Effect.flatMap(CurrentActor, (a) => validate(a, payload)))
    .handle("deactivateLicense", ({ payload }) => Effect.flatMap(CurrentActor, (a) => deactivate(a, payload)))
    .handle("sellerProducts", ({ query }) =>
      Effect.flatMap(CurrentActor, (a) => sellerProducts(a, toPageRequest(query))).pipe(Effect.map((page) => toPageResponse(page, toProductResponse)), httpErrors))
    .handle("sellerDashboard", ({ query }) => Effect.flatMap(CurrentActor, (a) => dashboard(a, query.days)))
    .handle("adminProducts", ({ query }) =>
      Effect.flatMap(CurrentActor, (a) => productsByStatus(a, query.status, toPageRequest(query))).pipe(
        Effect.map((page) => toPageResponse(page, toProductResponse)),
        httpErrors
      ))
    .handle("approveProduct", ({ params }) => Effect.flatMap(CurrentActor, (a) => approveProduct(a, ProductId.make(params.id))).pipe(Effect.map(toProductResponse), httpErrors))
    .handle("rejectProduct", ({ params, payload }) =>
      Effect.flatMap(CurrentActor, (a) => rejectProduct(a, ProductId.make(params.id), payload.reason)).pipe(Effect.map(toProductResponse), httpErrors)))

export const MarketplacePublicHandlers = capturingOnly(MarketplacePublicGroup, AccessTokens, ApiKeyRepository, LastUseRecorder, ProductRepository, RateLimitSettings, RequestRateLimiter, SecretTokens, SessionRepository)

export const MarketplaceHandlers = capturingOnly(MarketplaceGroup, Authentication, FileLinks, FileStore, Ids, LicenseRepository, MarketplaceSettings, OrderRepository, Payments, ProductRepository, SecretTokens, SellerDashboardReader, UnitOfWork, UserRepository)
