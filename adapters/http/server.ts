import { createServer } from "node:http"
import { HttpApiBuilder, HttpApiScalar } from "effect/http-api"
import { HttpRouter } from "effect/http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { type Duration, Layer } from "effect"
import { BrainOpsApi } from "./api.js"
import { AuthenticationLive } from "./auth-middleware.js"
import { AdminHandlers } from "./handlers/admin.js"
import { AccountHandlers, AuthHandlers } from "./handlers/auth.js"
import { MemoriesHandlers } from "./handlers/memories.js"
import { JobsHandlers } from "./handlers/jobs.js"
import { FilesHandlers } from "./handlers/files.js"
import { MarketplaceHandlers, MarketplacePublicHandlers } from "./handlers/marketplace.js"
import { MarketplaceWebhookHandlers } from "./handlers/marketplace-webhooks.js"
import { ProjectsHandlers } from "./handlers/projects.js"
import { ReviewsHandlers, ReviewsPublicHandlers } from "./handlers/reviews.js"
import { SystemHandlers } from "./handlers/system.js"
import { ServerMiddlewareLive, type ServerMiddlewareOptions } from "./server-middleware.js"

/** The API under /api/v1, /health, /ready, and /openapi.json generated from the same schemas as the handlers. */
export const ApiLive = HttpApiBuilder.layer(BrainOpsApi, { openapiPath: "/openapi.json" }).pipe(
  Layer.provide([
    SystemHandlers,
    AuthHandlers,
    AccountHandlers,
    AdminHandlers,
    ProjectsHandlers,
    MemoriesHandlers,
    JobsHandlers,
    FilesHandlers,
    MarketplacePublicHandlers,
    MarketplaceHandlers,
    MarketplaceWebhookHandlers,
    ReviewsPublicHandlers,
    ReviewsHandlers
  ]),
  Layer.provide(AuthenticationLive)
)

// The page carries Scalar itself (no CDN) and fetches no web fonts, so /docs works offline.
const DocsLive = HttpApiScalar.layer(BrainOpsApi, { path: "/docs", scalar: { withDefaultFonts: false } })

export interface HttpServerOptions extends ServerMiddlewareOptions {
  readonly host: string
  readonly port: number
  /** How long a shutdown waits for requests in flight (the platform's default: 20 seconds). */
  readonly shutdownTimeout?: Duration.Input | undefined
}

/**
 * The whole HTTP adapter: the API, its document and docs page, behind one global middleware
 * (request id, access log, CORS, body limits, error mapping). The platform's own request logger is
 * off: the middleware writes the one access-log line.
 */
export const HttpServerLive = (options: HttpServerOptions) =>
  HttpRouter.serve(Layer.mergeAll(ApiLive, DocsLive, ServerMiddlewareLive(options)), { disableLogger: true }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, {
      host: options.host,
      port: options.port,
      gracefulShutdownTimeout: options.shutdownTimeout
    }))
  )
