import { Effect, Layer, Option } from "effect"
import { InvalidWebhook, Payments } from "../../application/ports/orders.js"
import { manualRefund } from "../../domain/marketplace/order.js"

/**
 * The embedded profile's payment provider (as Medusa's system provider): no money moves through the
 * API. An order stays pending until an administrator confirms the payment (`mark-paid`), which runs
 * the same fulfilment as a Stripe webhook; a refund is the administrator's word that the money went
 * back, so it is final at once.
 */
export const ManualPayments = Layer.succeed(Payments, Payments.of({
  provider: "manual",
  checkout: (order) => Effect.succeed({ providerRef: `manual:${order.id}`, checkoutUrl: Option.none() }),
  refund: (order) => Effect.succeed(Option.some(manualRefund(order.id))),
  readWebhook: () =>
    Effect.fail(new InvalidWebhook({ reason: "Stripe is not configured on this server (STRIPE_SECRET_KEY); payments are confirmed by an administrator" }))
}))
