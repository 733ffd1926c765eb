import { Effect, Layer, Option } from "effect"
import { Payments } from "../../application/ports/orders.js"

/**
 * The embedded profile's payment provider (as Medusa's system provider): no money moves through the
 * API. An order stays pending until an administrator confirms the payment (`mark-paid`), which runs
 * the same fulfilment as a Stripe webhook.
 */
export const ManualPayments = Layer.succeed(Payments, {
  provider: "manual",
  checkout: (order) => Effect.succeed({ providerRef: `manual:${order.id}`, checkoutUrl: Option.none() })
})
