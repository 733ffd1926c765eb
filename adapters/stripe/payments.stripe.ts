import { DateTime, Duration, Effect, Layer, Option, Redacted } from "effect"
import Stripe from "stripe"
import { InvalidWebhook, PaymentProviderFailed, Payments, type WebhookOutcome } from "../../application/ports/orders.js"
import type { Order } from "../../domain/marketplace/order.js"

export interface StripeOptions {
  readonly secretKey: Redacted.Redacted
  readonly webhookSecret: Redacted.Redacted
  /** Another API base (a local endpoint in tests); unset, the SDK talks to api.stripe.com. */
  readonly apiUrl: Option.Option<string>
  /** Where Stripe sends the buyer back; `{ORDER_ID}` is replaced by the order's id. */
  readonly successUrl: string
  readonly cancelUrl: string
  /** How long the checkout stays open (Stripe accepts 30 minutes to 24 hours). */
  readonly checkoutTtl: Duration.Duration
}

const MIN_TTL = Duration.minutes(30)
const MAX_TTL = Duration.hours(24)

const failed = (what: string) => (cause: unknown) =>
  new PaymentProviderFailed({ reason: `${what}: ${cause instanceof Error ? cause.message : String(cause)}` })

/**
 * Payments through Stripe Checkout. The price comes from our order (never from the client), the order
 * id travels as `client_reference_id` and metadata on the session and its payment, and every call that
 * moves money carries an idempotency key derived from the order, so a retried request never charges
 * or refunds twice.
 */
export const StripePayments = (options: StripeOptions) =>
  Layer.sync(Payments, () => {
    const local = Option.map(options.apiUrl, (raw) => new URL(raw))
    const stripe = new Stripe(Redacted.value(options.secretKey), {
      maxNetworkRetries: 2,
      timeout: 20_000,
      telemetry: false,
      ...Option.match(local, {
        onNone: () => ({}),
        onSome: (url) => ({ host: url.hostname, port: url.port, protocol: url.protocol === "https:" ? "https" as const : "http" as const })
      })
    })
    const ttl = Duration.clamp(options.checkoutTtl, { minimum: MIN_TTL, maximum: MAX_TTL })
    const withOrder = (template: string, order: Order) => template.replaceAll("{ORDER_ID}", order.id)

    /** The order a charge belongs to: from its metadata, else from its payment intent's. */
    const orderOfCharge = (charge: Stripe.Charge) =>
      charge.metadata?.order_id !== undefined
        ? Effect.succeed(Option.some(charge.metadata.order_id))
        : typeof charge.payment_intent === "string"
        ? Effect.tryPromise({
          try: () => stripe.paymentIntents.retrieve(charge.payment_intent as string),
          catch: failed("reading the charge's payment intent")
        }).pipe(Effect.map((intent) => Option.fromNullishOr(intent.metadata?.order_id)))
        : Effect.succeed(Option.none<string>())

    const orderOfSession = (session: Stripe.Checkout.Session) =>
      Option.fromNullishOr(session.client_reference_id ?? session.metadata?.order_id)

    const outcome = (event: Stripe.Event): Effect.Effect<WebhookOutcome, PaymentProviderFailed> => {
      const ignored = Effect.succeed<WebhookOutcome>({ _tag: "Ignored", eventId: event.id, type: event.type })
      const payment = (orderId: Option.Option<string>, paymentEvent: Extract<WebhookOutcome, { _tag: "Payment" }>["event"], amount: Option.Option<{ total: number; currency: string }> = Option.none()) =>
        Option.match(orderId, {
          onNone: () => ignored,
          onSome: (id) => Effect.succeed<WebhookOutcome>({ _tag: "Payment", eventId: event.id, type: event.type, orderId: id, event: paymentEvent, amount })
        })
      switch (event.type) {
        case "checkout.session.completed":
        case "checkout.session.async_payment_succeeded": {
          const session = event.data.object
          // A delayed payment method completes the session unpaid; its money arrives (or not) later.
          if (session.payment_status === "unpaid") return ignored
          const amount = session.amount_total === null ? Option.none() : Option.some({ total: session.amount_total, currency: session.currency ?? "" })
          return payment(orderOfSession(session), { _tag: "Paid" }, amount)
        }
        case "checkout.session.expired":
        case "checkout.session.async_payment_failed":
          return payment(orderOfSession(event.data.object), { _tag: "Expired" })
        case "charge.refunded": {
          const charge = event.data.object
          // Orders are refunded whole; a partial refund made in Stripe's dashboard changes nothing here.
          if (!charge.refunded) return ignored
          return Effect.flatMap(orderOfCharge(charge), (id) => payment(id, { _tag: "Refunded" }))
        }
        default:
          return ignored
      }
    }

    return Payments.of({
      provider: "stripe",
      checkout: (order, productTitle) =>
        Effect.tryPromise({
          try: () =>
            stripe.checkout.sessions.create(
              {
                mode: "payment",
                client_reference_id: order.id,
                metadata: { order_id: order.id },
                payment_intent_data: { metadata: { order_id: order.id } },
                line_items: [{
                  quantity: 1,
                  price_data: { currency: order.currency, unit_amount: order.amount, product_data: { name: productTitle, metadata: { product_id: order.productId } } }
                }],
                success_url: withOrder(options.successUrl, order),
                cancel_url: withOrder(options.cancelUrl, order),
                // From the order's creation, so a retried request has the very same parameters.
                expires_at: Math.floor(DateTime.toEpochMillis(DateTime.addDuration(order.createdAt, ttl)) / 1000)
              },
              { idempotencyKey: `brainops-checkout-${order.id}` }
            ),
          catch: failed("creating the checkout session")
        }).pipe(Effect.map((session) => ({ providerRef: session.id, checkoutUrl: Option.fromNullishOr(session.url) }))),
      refund: (order) =>
        Effect.gen(function*() {
          const sessionId = yield* Option.match(order.providerRef, {
            onNone: () => Effect.fail(new PaymentProviderFailed({ reason: "the order has no checkout session" })),
            onSome: Effect.succeed
          })
          const session = yield* Effect.tryPromise({ try: () => stripe.checkout.sessions.retrieve(sessionId), catch: failed("reading the checkout session") })
          const intent = typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id
          // The buyer never paid this session (it expired, or the payment failed): nothing to give back.
          if (session.payment_status !== "paid" || intent === undefined) return Option.none()
          const refund = yield* Effect.tryPromise({
            try: () => stripe.refunds.create({ payment_intent: intent, metadata: { order_id: order.id } }, { idempotencyKey: `brainops-refund-${order.id}` }),
            catch: failed("creating the refund")
          })
          if (refund.status === "failed" || refund.status === "canceled") {
            return yield* Effect.fail(new PaymentProviderFailed({ reason: `Stripe answered the refund with status ${refund.status}` }))
          }
          return Option.some({ refundRef: refund.id, settled: refund.status === "succeeded" })
        }),
      readWebhook: (payload, signature) =>
        Effect.try({
          try: () => stripe.webhooks.constructEvent(payload, signature, Redacted.value(options.webhookSecret)),
          catch: (e) => new InvalidWebhook({ reason: e instanceof Error ? e.message : "the signature does not match" })
        }).pipe(Effect.flatMap(outcome))
    })
  })
