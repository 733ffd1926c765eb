import { createServer } from "node:http"
import { HttpApiBuilder, HttpApiScalar, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Layer } from "effect"
import { BrainOpsApi } from "./api.js"
import { AuthenticationLive } from "./auth-middleware.js"
import { AdminHandlers } from "./handlers/admin.js"
import { AuthHandlers } from "./handlers/auth.js"
import { MemoriesHandlers } from "./handlers/memories.js"
import { JobsHandlers } from "./handlers/jobs.js"
import { FilesHandlers } from "./handlers/files.js"
import { MarketplaceHandlers, MarketplacePublicHandlers } from "./handlers/marketplace.js"
import { MarketplaceWebhookHandlers } from "./handlers/marketplace-webhooks.js"
import { ProjectsHandlers } from "./handlers/projects.js"
import { ReviewsHandlers, ReviewsPublicHandlers } from "./handlers/reviews.js"
import { SystemHandlers } from "./handlers/system.js"
import { ApiMiddlewareLive, requestContext, type ServerMiddlewareOptions } from "./server-middleware.js"

export const ApiLive = HttpApiBuilder.api(BrainOpsApi).pipe(
  Layer.provide([AuthHandlers, SystemHandlers, AdminHandlers, ProjectsHandlers, MemoriesHandlers, JobsHandlers, FilesHandlers, MarketplacePublicHandlers, MarketplaceHandlers, MarketplaceWebhookHandlers, ReviewsPublicHandlers, ReviewsHandlers]),
  Layer.provide(AuthenticationLive)
)

export interface HttpServerOptions extends ServerMiddlewareOptions {
  readonly host: string
  readonly port: number
}

/**
 * The whole HTTP adapter: the API under /api/v1, /health, /ready, /openapi.json and /docs (both generated
 * from the same schemas as the handlers), behind one error mapping and the request-id/access-log middleware.
 */
export const HttpServerLive = (options: HttpServerOptions) =>
  HttpApiBuilder.serve(requestContext).pipe(
    // Self-contained page (no CDN), and no web fonts fetched from elsewhere, so /docs works offline.
    Layer.provide(HttpApiScalar.layer({ path: "/docs", scalar: { withDefaultFonts: false } })),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(ApiMiddlewareLive(options)),
    Layer.provide(ApiLive),
    HttpServer.withLogAddress,
    Layer.provideMerge(NodeHttpServer.layer(createServer, { host: options.host, port: options.port }))
  )
