import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { Schema } from "effect"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { ApiErrors, BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Unauthorized } from "./errors.js"
import {
  ActivateRequest,
  ActivationResponse,
  AdminProductsQuery,
  CatalogueQuery,
  CategoriesResponse,
  CreateProductRequest,
  DashboardQuery,
  DashboardResponse,
  DownloadResponse,
  LicensesResponse,
  OrderResponse,
  FileQuery,
  ProductResponse,
  RejectRequest,
  UpdateProductRequest,
  DeactivateRequest,
  ValidateRequest,
  ValidationResponse
} from "./marketplace-schemas.js"
import { PageOf, PageQuery } from "./pagination.js"

const IdPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()) })
const read = Access.scope("marketplace:read")
const write = Access.scope("marketplace:write")
const publicError = [BadRequest, NotFound, ...ApiErrors] as const

/** The public side of /marketplace: the catalogue of approved products, no sign-in needed. */
export class MarketplacePublicApi extends HttpApiGroup.make("marketplacePublic")
  .add(HttpApiEndpoint.get("catalogue", "/products", { query: CatalogueQuery, success: PageOf(ProductResponse), error: publicError })
    .annotate(OpenApi.Summary, "Approved products: full-text q, category, price range (minor units), sort newest|price_asc|price_desc|rating|sales"))
  .add(HttpApiEndpoint.get("product", "/products/:id", { params: IdPath, success: ProductResponse, error: [Unauthorized, ...publicError] })
    .annotate(
      OpenApi.Summary,
      "An approved product; with the seller's credential (a session, or an API key with marketplace:read), the seller's own in any state, with the rejection reason"
    ))
  .add(HttpApiEndpoint.get("categories", "/categories", { success: CategoriesResponse, error: publicError })
    .annotate(OpenApi.Summary, "Categories of approved products, with their counts"))
  .prefix("/api/v1/marketplace")
{}

const error = [BadRequest, Forbidden, NotFound, Conflict, PayloadTooLarge, ...ApiErrors] as const

/** Sellers and admins: products, their files, the review workflow. */
export class MarketplaceApi extends HttpApiGroup.make("marketplace")
  .add(HttpApiEndpoint.post("createProduct", "/products", { payload: CreateProductRequest, success: ProductResponse.pipe(HttpApiSchema.status(201)), error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Create a product (a draft); sellers need a verified email"))
  .add(HttpApiEndpoint.patch("updateProduct", "/products/:id", { params: IdPath, payload: UpdateProductRequest, success: ProductResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Edit your product; a new price of an approved product sends it back to review"))
  .add(HttpApiEndpoint.delete("archiveProduct", "/products/:id", { params: IdPath, success: ProductResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete (archive) your product: it leaves the catalogue; past buyers keep what they bought"))
  .add(HttpApiEndpoint.post("uploadFile", "/products/:id/files", { params: IdPath, query: FileQuery, success: ProductResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Upload the file buyers get: the raw body (?filename=) or a multipart field `file`; a new file of an approved product sends it back to review"))
  .add(HttpApiEndpoint.post("submitProduct", "/products/:id/submit", { params: IdPath, success: ProductResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Submit your draft (with its file) for review"))
  .add(HttpApiEndpoint.get("sellerProducts", "/seller/products", { query: PageQuery, success: PageOf(ProductResponse), error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Your products, in every status, newest first"))
  .add(HttpApiEndpoint.get("sellerDashboard", "/seller/dashboard", { query: DashboardQuery, success: DashboardResponse, error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Your sales over the last ?days=1..365 UTC days (default 30), from the ledger: totals per currency (sales less refunds), revenue per day (days with sales only), top 5 products by net; average rating over all your products"))
  .add(HttpApiEndpoint.get("adminProducts", "/admin/products", { query: AdminProductsQuery, success: PageOf(ProductResponse), error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Admin: products in a status (default the review queue, oldest first)"))
  .add(HttpApiEndpoint.post("approveProduct", "/admin/products/:id/approve", { params: IdPath, success: ProductResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Admin: approve a product pending review"))
  .add(HttpApiEndpoint.post("rejectProduct", "/admin/products/:id/reject", { params: IdPath, payload: RejectRequest, success: ProductResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Admin: reject a product pending review, with the reason the seller sees"))
  .add(HttpApiEndpoint.post("purchase", "/products/:id/purchase", { params: IdPath, success: OrderResponse.pipe(HttpApiSchema.status(201)), error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Buy an approved product: a pending order at its price and a payment (checkout_url with Stripe; an admin confirms with the manual provider)"))
  .add(HttpApiEndpoint.post("markPaid", "/admin/orders/:id/mark-paid", { params: IdPath, success: OrderResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Admin, manual provider: confirm an order's payment (runs the same fulfilment as a Stripe webhook; repeating it changes nothing)"))
  .add(HttpApiEndpoint.post("refundOrder", "/admin/orders/:id/refund", { params: IdPath, success: OrderResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Admin: refund a paid order through its payment provider; access and licenses are revoked and the ledger reversed (repeating it changes nothing)"))
  .add(HttpApiEndpoint.get("orders", "/orders", { query: PageQuery, success: PageOf(OrderResponse), error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Your orders, newest first"))
  .add(HttpApiEndpoint.get("order", "/orders/:id", { params: IdPath, success: OrderResponse, error })
    .annotate(Access, read).annotate(OpenApi.Summary, "One of your orders"))
  .add(HttpApiEndpoint.get("download", "/orders/:id/download", { params: IdPath, success: DownloadResponse, error })
    .annotate(Access, read).annotate(OpenApi.Summary, "A short-lived link to the product's file (paid, unrefunded orders only)"))
  .add(HttpApiEndpoint.get("licenses", "/licenses", { success: LicensesResponse, error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Your license keys, each with its active activations"))
  .add(HttpApiEndpoint.post("activateLicense", "/licenses/activate", { payload: ActivateRequest, success: ActivationResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Activate your license on an instance; the same instance_name again answers its activation; 409 at the limit or once the order was refunded"))
  .add(HttpApiEndpoint.post("validateLicense", "/licenses/validate", { payload: ValidateRequest, success: ValidationResponse, error })
    .annotate(Access, read).annotate(OpenApi.Summary, "Whether your license is valid (active, and the instance_id, if given, an active activation of it)"))
  .add(HttpApiEndpoint.post("deactivateLicense", "/licenses/deactivate", { payload: DeactivateRequest, success: ActivationResponse, error })
    .annotate(Access, write).annotate(OpenApi.Summary, "Free an activation's slot (repeating it changes nothing)"))
  .middleware(Authentication)
  .prefix("/api/v1/marketplace")
{}

