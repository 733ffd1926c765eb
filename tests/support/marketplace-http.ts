import { Effect } from "effect"
import { expect } from "vitest"
import { ADMIN, lastMailTo, linkToken, loginAs, request, TestServer, uniqueEmail } from "./http.js"

export const PASSWORD = "correct horse battery staple"

/** A signed-in user whose email is verified (through the mailed link), as sellers must be. */
export const verifiedUser = (name: string) =>
  Effect.gen(function*() {
    const server = yield* TestServer
    const email = uniqueEmail(name)
    yield* request(server.url("/api/v1/auth/register"), { method: "POST", json: { email, password: PASSWORD, name } })
    const token = linkToken((yield* lastMailTo(email)).text)
    expect((yield* request(server.url("/api/v1/auth/verify-email"), { method: "POST", json: { token } })).status).toBe(204)
    return (yield* loginAs(email, PASSWORD)).access_token
  })

export const adminToken = Effect.map(loginAs(ADMIN.email, ADMIN.password), (t) => t.access_token)

export const marketUrl = (path: string) => Effect.map(TestServer, (server) => server.url(`/api/v1/marketplace${path}`))

/** A request to a /api/v1/marketplace path. */
export const marketCall = (path: string, init: Parameters<typeof request>[1] = {}) => Effect.flatMap(marketUrl(path), (url) => request(url, init))

/** A Stripe webhook delivery over HTTP: the exact bytes that were signed, and (by default) their signature. */
export const deliverWebhook = (delivery: { payload: string; signature: string }, headers: Record<string, string> = { "stripe-signature": delivery.signature }) =>
  marketCall("/webhooks/stripe", { method: "POST", body: delivery.payload, headers: { "content-type": "application/json", ...headers } })

/** A product listed by the seller, with its file, submitted and approved by the admin. */
export const approvedProduct = (seller: string, fields: Record<string, unknown> = {}, file = "PK fake zip") =>
  Effect.gen(function*() {
    const admin = yield* adminToken
    const created = yield* request(yield* marketUrl("/products"), {
      method: "POST",
      token: seller,
      json: { title: "Photo presets", description: "Warm film looks for portraits.", category: "photo", price: 2500, currency: "eur", license_activation_limit: 2, ...fields }
    })
    expect(created.status).toBe(201)
    const id: string = created.body.id
    expect((yield* request(yield* marketUrl(`/products/${id}/files?filename=presets.zip`), { method: "POST", token: seller, body: file, headers: { "content-type": "application/zip" } })).status).toBe(200)
    expect((yield* request(yield* marketUrl(`/products/${id}/submit`), { method: "POST", token: seller })).body.status).toBe("pending_review")
    expect((yield* request(yield* marketUrl(`/admin/products/${id}/approve`), { method: "POST", token: admin })).body.status).toBe("approved")
    return id
  })
