import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import { Schema } from "effect"
import { ApiErrors, BadRequest } from "./errors.js"

/**
 * The payment provider's calls. No bearer token: each delivery is verified by its signature on the
 * raw body. 2xx tells Stripe to stop retrying, so only a failure worth retrying (our store or the
 * provider unreachable) answers 503.
 */
export class MarketplaceWebhooksApi extends HttpApiGroup.make("marketplaceWebhooks")
  .add(
    HttpApiEndpoint.post("stripeWebhook", "/webhooks/stripe", {
      success: Schema.Struct({ received: Schema.Literal(true), applied: Schema.Boolean }),
      error: [BadRequest, ...ApiErrors]
    }).annotate(
      OpenApi.Summary,
      "Stripe webhook (Stripe-Signature header): checkout.session.completed/expired, async payments, charge.refunded; each event applied once"
    )
  )
  .prefix("/api/v1/marketplace")
{}
