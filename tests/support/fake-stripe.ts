import * as http from "node:http"
import type { AddressInfo } from "node:net"
import Stripe from "stripe"

export const STRIPE_TEST_KEY = "sk_test_brainops_fake"
export const STRIPE_WEBHOOK_SECRET = "whsec_brainops_test_secret"

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  /** The form-encoded body, keys as Stripe writes them (`line_items[0][price_data][unit_amount]`). */
  readonly form: Record<string, string>
}

/**
 * A local stand-in for api.stripe.com that checks what the adapter sends: the secret key, a form body,
 * the idempotency key. It answers checkout sessions (the same one again for a repeated idempotency
 * key, as Stripe does), session reads, refunds and payment intents, and can be told to fail.
 */
export const startFakeStripe = async () => {
  const requests: Array<RecordedRequest> = []
  const sessions = new Map<string, { id: string; orderId: string; paymentIntent: string }>()
  const byIdempotencyKey = new Map<string, unknown>()
  // Sessions read back as paid unless a test lists them here (the buyer never paid).
  const state = { failNext: 0, refundStatus: "succeeded" as string, seq: 0, unpaid: new Set<string>() }

  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "request-id": `req_${++state.seq}` })
    res.end(JSON.stringify(body))
  }
  const server = http.createServer((req, res) => {
    let raw = ""
    req.on("data", (c) => (raw += c))
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost")
      const form = Object.fromEntries(new URLSearchParams(raw))
      requests.push({ method: req.method ?? "", path: url.pathname, headers: req.headers, form })
      if (req.headers.authorization !== `Bearer ${STRIPE_TEST_KEY}`) {
        return answer(res, 401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } })
      }
      if (state.failNext > 0) {
        state.failNext--
        return answer(res, 500, { error: { type: "api_error", message: "Something went wrong on Stripe's end" } })
      }
      const key = req.headers["idempotency-key"]
      if (typeof key === "string" && byIdempotencyKey.has(key)) return answer(res, 200, byIdempotencyKey.get(key))
      const remember = (body: unknown) => {
        if (typeof key === "string") byIdempotencyKey.set(key, body)
        answer(res, 200, body)
      }
      if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
        const id = `cs_test_${++state.seq}`
        const orderId = form["client_reference_id"] ?? ""
        sessions.set(id, { id, orderId, paymentIntent: `pi_${id}` })
        return remember({ id, object: "checkout.session", url: `https://checkout.stripe.test/c/pay/${id}`, client_reference_id: orderId, payment_intent: null })
      }
      const session = url.pathname.match(/^\/v1\/checkout\/sessions\/([^/]+)$/)
      if (req.method === "GET" && session) {
        const s = sessions.get(session[1]!)
        return s
          ? answer(res, 200, state.unpaid.has(s.id)
            ? { id: s.id, object: "checkout.session", payment_status: "unpaid", payment_intent: null }
            : { id: s.id, object: "checkout.session", payment_status: "paid", payment_intent: s.paymentIntent }) : answer(res, 404, { error: { type: "invalid_request_error", message: "No such checkout.session" } })
      }
      const intent = url.pathname.match(/^\/v1\/payment_intents\/([^/]+)$/)
      if (req.method === "GET" && intent) {
        const s = [...sessions.values()].find((x) => x.paymentIntent === intent[1])
        return answer(res, 200, { id: intent[1], object: "payment_intent", metadata: s ? { order_id: s.orderId } : {} })
      }
      if (req.method === "POST" && url.pathname === "/v1/refunds") {
        return remember({ id: `re_${++state.seq}`, object: "refund", status: state.refundStatus, payment_intent: form["payment_intent"] })
      }
      answer(res, 404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname})` } })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sessions,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>

const signer = new Stripe(STRIPE_TEST_KEY)
let eventSeq = 0

/** A webhook delivery as Stripe sends it: the JSON body and its Stripe-Signature header. */
export const signedEvent = (type: string, object: Record<string, unknown>, options: { id?: string; secret?: string } = {}) => {
  const payload = JSON.stringify({
    id: options.id ?? `evt_test_${++eventSeq}_${Date.now()}`,
    object: "event",
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    type,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null }
  })
  return { payload, signature: signer.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? STRIPE_WEBHOOK_SECRET }) }
}

/** The Stripe objects our handler reads, for an order paid through a session. */
export const stripeObjects = (orderId: string, sessionId: string, amount: number, currency = "usd") => ({
  completed: { id: sessionId, object: "checkout.session", client_reference_id: orderId, metadata: { order_id: orderId }, payment_status: "paid", amount_total: amount, currency, payment_intent: `pi_${sessionId}` },
  expired: { id: sessionId, object: "checkout.session", client_reference_id: orderId, metadata: { order_id: orderId }, payment_status: "unpaid", amount_total: amount, currency, status: "expired" },
  refunded: { id: `ch_${sessionId}`, object: "charge", payment_intent: `pi_${sessionId}`, metadata: {}, refunded: true, amount, amount_refunded: amount, currency }
})
