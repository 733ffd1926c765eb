import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { MAIL_ENV, TestServer, TestServerLive } from "../support/http.js"
import { adminToken, approvedProduct, marketCall, verifiedUser } from "../support/marketplace-http.js"

/** GET of a link the API handed out (links name PUBLIC_BASE_URL: the same path and query on this server). */
const follow = (link: string) =>
  Effect.flatMap(TestServer, (server) => {
    const url = new URL(link)
    return Effect.promise(() =>
      fetch(server.url(`${url.pathname}${url.search}`)).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }))
    )
  })

/** A paid order of the product through the manual provider (the admin confirms it): its id. */
const paidOrder = (buyer: string, productId: string) =>
  Effect.gen(function*() {
    const order = yield* marketCall(`/products/${productId}/purchase`, { method: "POST", token: buyer })
    expect(order.status).toBe(201)
    expect((yield* marketCall(`/admin/orders/${order.body.id}/mark-paid`, { method: "POST", token: yield* adminToken })).body.status).toBe("paid")
    return order.body.id as string
  })

const downloadUrl = (buyer: string, orderId: string) =>
  Effect.map(marketCall(`/orders/${orderId}/download`, { token: buyer }), (r) => {
    expect(r.status).toBe(200)
    return r.body.url as string
  })

// The embedded profile with the manual payment provider and the local file store.
layer(TestServerLive(MAIL_ENV), { timeout: "90 seconds", excludeTestServices: true })("HTTP: marketplace downloads", (it) => {
  it.effect("a refund ends the download links already handed out for that order (404), and only those", () =>
    Effect.gen(function*() {
      const seller = yield* verifiedUser("seller")
      const ann = yield* verifiedUser("ann")
      const bob = yield* verifiedUser("bob")
      const productId = yield* approvedProduct(seller, {}, "PK presets v1")
      const annOrder = yield* paidOrder(ann, productId)
      const bobOrder = yield* paidOrder(bob, productId)
      const annLink = yield* downloadUrl(ann, annOrder)
      const bobLink = yield* downloadUrl(bob, bobOrder)

      const before = yield* follow(annLink)
      expect([before.status, before.text]).toEqual([200, "PK presets v1"])

      const refunded = yield* marketCall(`/admin/orders/${annOrder}/refund`, { method: "POST", token: yield* adminToken })
      expect([refunded.status, refunded.body.status]).toEqual([200, "refunded"])
      // The input: the link issued before the refund, within its 15 minutes.
      const after = yield* follow(annLink)
      expect(after.status).toBe(404)
      expect(after.text).not.toContain("PK presets v1")
      expect(JSON.parse(after.text).detail).toBe("The file is no longer available: the order of this link is not paid (refunded)")
      expect((yield* marketCall(`/orders/${annOrder}/download`, { token: ann })).status).toBe(403)
      // Another buyer's order of the same product is untouched.
      expect(yield* follow(bobLink)).toMatchObject({ status: 200, text: "PK presets v1" })
      // The order cannot be stripped from the link to get an unbound one.
      const unbound = new URL(annLink)
      unbound.searchParams.delete("order")
      expect((yield* follow(unbound.toString())).status).toBe(403)
    }))

  it.effect("a seller's evil.html is served as an attachment, application/octet-stream, nosniff: never rendered from the API's origin", () =>
    Effect.gen(function*() {
      const seller = yield* verifiedUser("seller")
      const buyer = yield* verifiedUser("buyer")
      const admin = yield* adminToken
      const page = "<html><body><script>fetch('/api/v1/auth/me')</script></body></html>"
      const created = yield* marketCall("/products", {
        method: "POST",
        token: seller,
        json: { title: "Totally a template", description: "HTML", category: "web", price: 900, currency: "eur" }
      })
      const id: string = created.body.id
      const uploaded = yield* marketCall(`/products/${id}/files?filename=evil.html`, { method: "POST", token: seller, body: page, headers: { "content-type": "text/html" } })
      expect(uploaded.status).toBe(200)
      expect(uploaded.body.file).toMatchObject({ name: "evil.html", content_type: "text/html" })
      yield* marketCall(`/products/${id}/submit`, { method: "POST", token: seller })
      expect((yield* marketCall(`/admin/products/${id}/approve`, { method: "POST", token: admin })).body.status).toBe("approved")

      const file = yield* follow(yield* downloadUrl(buyer, yield* paidOrder(buyer, id)))
      expect(file.status).toBe(200)
      expect(file.text).toBe(page)
      expect(file.headers.get("content-type")).toBe("application/octet-stream")
      expect(file.headers.get("content-disposition")).toBe("attachment; filename=\"evil.html\"; filename*=UTF-8''evil.html")
      expect(file.headers.get("x-content-type-options")).toBe("nosniff")
    }))
})
