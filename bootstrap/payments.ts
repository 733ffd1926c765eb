import { Layer, Option } from "effect"
import { ManualPayments } from "../adapters/payments/manual.js"
import { MarketplaceSettings } from "../application/ports/orders.js"
import { type AppConfig, publicBaseUrlOf } from "./config.js"
import { lazyLayer } from "./lazy.js"

/** Stripe when its keys are set, else the manual provider (an admin confirms payments). */
export const PaymentsLive = (config: AppConfig) => {
  const { payments } = config
  const base = publicBaseUrlOf(config)
  const provider = Option.match(Option.zipWith(payments.stripeSecretKey, payments.stripeWebhookSecret, (secretKey, webhookSecret) => ({ secretKey, webhookSecret })), {
    onNone: () => ManualPayments,
    onSome: ({ secretKey, webhookSecret }) =>
      lazyLayer(() => import("../adapters/stripe/payments.stripe.js").then(({ StripePayments }) => StripePayments({
        secretKey,
        webhookSecret,
        apiUrl: payments.stripeApiUrl,
        successUrl: Option.getOrElse(payments.checkoutSuccessUrl, () => `${base}/marketplace/orders/{ORDER_ID}?checkout=success`),
        cancelUrl: Option.getOrElse(payments.checkoutCancelUrl, () => `${base}/marketplace/orders/{ORDER_ID}?checkout=cancelled`),
        checkoutTtl: payments.pendingOrderTtl
      })))
  })
  return Layer.merge(provider, Layer.succeed(MarketplaceSettings, { feePercent: config.platformFeePercent, pendingOrderTtl: payments.pendingOrderTtl }))
}
