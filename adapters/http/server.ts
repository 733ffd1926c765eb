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
 * The routes with the services given. Their types still ask for those services at request time
 * (`Request<"Requires", …>`, which `Layer.provide` does not remove), but HttpApiBuilder runs every
 * handler and its group's middleware in the context the group captured when it was built
 * (`handlerToHttpEffect` provides it), so a request needs none of them from the server's context.
 * Only what `services` provides is taken off; anything else still shows as required.
 */
const routesOver = <A, E1, R, ROut, E, RIn>(routes: Layer.Layer<A, E1, R>, services: Layer.Layer<ROut, E, RIn>) =>
  routes.pipe(Layer.provide(services)) as Layer.Layer<A, E1 | E, Exclude<R, ROut | HttpRouter.Request.From<"Requires", ROut>> | RIn>

/**
 * The whole HTTP adapter: the API, its document and docs page, behind one global middleware
 * (request id, access log, CORS, body limits, error mapping), over the application's services. The
 * platform's own request logger is off: the middleware writes the one access-log line.
 *
 * The services are given to the routes, which keep them, and not to the server around them: every
 * request's context starts from the server's, and the framework copies it flat once per request, so
 * 150 services there cost about 0.02 ms of CPU a request, a fifth of a /health (measured with a
 * minimal HttpApi server). Each handler group and the authentication middleware keep only the
 * services they name (captured-context.ts), since what they keep is merged into each of their requests.
 */
export const HttpServerLive = <ROut, E, RIn>(options: HttpServerOptions, services: Layer.Layer<ROut, E, RIn>) =>
  HttpRouter.serve(routesOver(Layer.mergeAll(ApiLive, DocsLive, ServerMiddlewareLive(options)), services), { disableLogger: true }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, {
      host: options.host,
      port: options.port,
      gracefulShutdownTimeout: options.shutdownTimeout
    }))
  )
