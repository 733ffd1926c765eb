import { HttpApiBuilder } from "effect/http-api"
import { Effect } from "effect"
import { receiveWebhook } from "../../../application/marketplace/orders.js"
import { BrainOpsApi } from "../api.js"
import { httpErrors } from "../error-mapping.js"
import { BadRequest } from "../errors.js"
import { capturingOnly } from "../captured-context.js"
import { UnitOfWork } from "../../../application/ports/unit-of-work.js"
import { Payments, OrderRepository, MarketplaceSettings } from "../../../application/ports/orders.js"
import { SecretTokens } from "../../../application/ports/secret-tokens.js"
import { Ids } from "../../../application/ports/ids.js"

const MarketplaceWebhookGroup = HttpApiBuilder.group(BrainOpsApi, "marketplaceWebhooks", (handlers) =>
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

export const MarketplaceWebhookHandlers = capturingOnly(MarketplaceWebhookGroup, Ids, MarketplaceSettings, OrderRepository, Payments, SecretTokens, UnitOfWork)
