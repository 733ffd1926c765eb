import { HttpApiBuilder } from "effect/http-api"
import { Effect } from "effect"
import { receiveWebhook } from "../../../application/marketplace/orders.js"
import { BrainOpsApi } from "../api.js"
import { httpErrors } from "../error-mapping.js"
import { BadRequest } from "../errors.js"

export const MarketplaceWebhookHandlers = HttpApiBuilder.group(BrainOpsApi, "marketplaceWebhooks", (handlers) =>
  handlers.handleRaw("stripeWebhook", ({ request }) =>
    Effect.gen(function*() {
      const signature = request.headers["stripe-signature"]
      if (signature === undefined || signature.length === 0) {
        return yield* Effect.fail(new BadRequest({ detail: "Webhook rejected: the Stripe-Signature header is missing" }))
      }
      // The signature covers the exact bytes Stripe sent: read them as they are, never re-serialised.
      const payload = yield* Effect.mapError(request.text, () => new BadRequest({ detail: "Webhook rejected: the body could not be read" }))
      const { applied } = yield* receiveWebhook(payload, signature).pipe(httpErrors)
      return { received: true as const, applied }
    })))
