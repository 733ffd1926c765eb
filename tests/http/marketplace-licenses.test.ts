import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ADMIN, loginAs, MAIL_ENV, register, TestServerLive, uniqueEmail } from "../support/http.js"
import { approvedProduct, marketCall, PASSWORD, verifiedUser } from "../support/marketplace-http.js"

/** A signed-in user; verified (through the mailed link) when they sell. */
const signedIn = (name: string, verify: boolean) =>
  verify ? verifiedUser(name) : Effect.gen(function*() {
    const email = uniqueEmail(name)
    yield* register(email, PASSWORD, name)
    return (yield* loginAs(email, PASSWORD)).access_token
  })

const call = marketCall

/** A seller's approved product bought by a buyer and confirmed by the admin: the paid order's id. */
const paidOrder = (seller: string, buyer: string, admin: string, product: { price: number; currency: string; limit: number }) =>
  Effect.gen(function*() {
    const productId = yield* approvedProduct(seller, {
      title: `Plugin ${crypto.randomUUID().slice(0, 6)}`, category: "software", price: product.price, currency: product.currency, license_activation_limit: product.limit
    })
    const order = (yield* call(`/products/${productId}/purchase`, { method: "POST", token: buyer })).body
    expect((yield* call(`/admin/orders/${order.id}/mark-paid`, { method: "POST", token: admin })).body.status).toBe("paid")
    return { orderId: order.id as string, productId }
  })

layer(TestServerLive(MAIL_ENV), { timeout: "90 seconds", excludeTestServices: true })("HTTP: marketplace licenses and the seller dashboard", (it) => {
  it.effect("a paid order's key activates up to the limit, deactivates, validates; a refund revokes it; bad bodies 422; others' keys 404", () =>
    Effect.gen(function*() {
      const seller = yield* signedIn("seller", true)
      const buyer = yield* signedIn("buyer", false)
      const stranger = yield* signedIn("stranger", false)
      const admin = (yield* loginAs(ADMIN.email, ADMIN.password)).access_token
      const { orderId, productId } = yield* paidOrder(seller, buyer, admin, { price: 4900, currency: "usd", limit: 3 })

      const listed = (yield* call("/licenses", { token: buyer })).body.items
      expect(listed).toHaveLength(1)
      expect(listed[0]).toMatchObject({ order_id: orderId, product_id: productId, activation_limit: 3, status: "active", activations: [], activations_used: 0 })
      const key: string = listed[0].license_key
      const activate = (instance_name: string, token = buyer) => call("/licenses/activate", { method: "POST", token, json: { license_key: key, instance_name } })

      const first = yield* activate("laptop")
      expect(first.status).toBe(200)
      expect(first.body).toMatchObject({ instance_name: "laptop", license_key: key, activations_used: 1, activation_limit: 3, deactivated_at: null })
      expect((yield* activate("laptop")).body).toMatchObject({ instance_id: first.body.instance_id, activations_used: 1 })
      expect((yield* activate("desktop")).body.activations_used).toBe(2)
      expect((yield* activate("server")).body.activations_used).toBe(3)
      const full = yield* activate("tablet")
      expect([full.status, full.body.detail]).toEqual([409, "Cannot activate this license: activation limit reached (3 of 3)"])

      const afterActivations = (yield* call("/licenses", { token: buyer })).body.items[0]
      expect(afterActivations.activations_used).toBe(3)
      expect(afterActivations.activations.map((a: any) => a.instance_name).sort()).toEqual(["desktop", "laptop", "server"])

      const deactivate = (instance_id: string, token = buyer) => call("/licenses/deactivate", { method: "POST", token, json: { license_key: key, instance_id } })
      const off = yield* deactivate(first.body.instance_id)
      expect(off.status).toBe(200)
      expect(off.body).toMatchObject({ instance_id: first.body.instance_id, activations_used: 2 })
      expect(off.body.deactivated_at).not.toBeNull()
      expect((yield* deactivate(first.body.instance_id)).body).toMatchObject({ activations_used: 2, deactivated_at: off.body.deactivated_at })
      const tablet = yield* activate("tablet")
      expect([tablet.status, tablet.body.activations_used]).toEqual([200, 3])

      const lower = yield* call("/licenses/activate", { method: "POST", token: buyer, json: { license_key: ` ${key.toLowerCase()} `, instance_name: "tablet" } })
      expect([lower.status, lower.body.instance_id]).toEqual([200, tablet.body.instance_id])
      const validate = (json: object, token = buyer) => call("/licenses/validate", { method: "POST", token, json: { license_key: key, ...json } })
      expect((yield* validate({})).body).toEqual({ valid: true, status: "active", activations_used: 3, activation_limit: 3, product_id: productId, instance: null })
      expect((yield* validate({ instance_id: tablet.body.instance_id })).body).toMatchObject({ valid: true, instance: { instance_name: "tablet", active: true } })
      expect((yield* validate({ instance_id: first.body.instance_id })).body).toMatchObject({ valid: false, instance: { instance_name: "laptop", active: false } })

      // Someone else's key is as unknown as a key that does not exist.
      expect((yield* activate("theirs", stranger)).status).toBe(404)
      expect((yield* validate({}, stranger)).status).toBe(404)
      expect((yield* deactivate(tablet.body.instance_id, stranger)).status).toBe(404)
      expect((yield* activate("theirs", seller)).status).toBe(404)
      const unknown = yield* call("/licenses/activate", { method: "POST", token: buyer, json: { license_key: "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", instance_name: "x" } })
      expect([unknown.status, unknown.body.detail]).toEqual([404, "License not found"])
      expect((yield* deactivate(crypto.randomUUID())).status).toBe(404)

      const bad = yield* call("/licenses/activate", { method: "POST", token: buyer, json: { license_key: "", instance_name: "   " } })
      expect(bad.status).toBe(422)
      expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(["instance_name", "license_key"])
      expect((yield* call("/licenses/deactivate", { method: "POST", token: buyer, json: { license_key: key, instance_id: "not-a-uuid" } })).status).toBe(422)
      expect((yield* call("/licenses/validate", { method: "POST", token: buyer, json: {} })).status).toBe(422)
      expect((yield* call("/licenses/activate", { method: "POST", json: { license_key: key, instance_name: "x" } })).status).toBe(401)

      // The admin refunds the order: the license is revoked.
      expect((yield* call(`/admin/orders/${orderId}/refund`, { method: "POST", token: admin })).body.status).toBe("refunded")
      const revoked = yield* activate("phone")
      expect([revoked.status, revoked.body.detail]).toEqual([409, "Cannot activate this license: the license was revoked (the order was refunded)"])
      expect((yield* validate({ instance_id: tablet.body.instance_id })).body).toMatchObject({ valid: false, status: "revoked" })
      expect((yield* call("/licenses", { token: buyer })).body.items[0].status).toBe("revoked")
    }))

  it.effect("the seller dashboard shows one sale to the cent; days outside 1..365 are a 422", () =>
    Effect.gen(function*() {
      const seller = yield* signedIn("seller", true)
      const buyer = yield* signedIn("buyer", false)
      const admin = (yield* loginAs(ADMIN.email, ADMIN.password)).access_token
      const empty = yield* call("/seller/dashboard", { token: seller })
      expect(empty.status).toBe(200)
      expect(empty.body).toMatchObject({ days: 30, currency_totals: [], average_rating: null, rating_count: 0, revenue_per_day: [], top_products: [] })

      const dayBefore = new Date().toISOString().slice(0, 10)
      const { productId } = yield* paidOrder(seller, buyer, admin, { price: 1999, currency: "eur", limit: 1 })
      const dayAfter = new Date().toISOString().slice(0, 10)
      const figures = (yield* call("/seller/dashboard?days=90", { token: seller })).body
      // PLATFORM_FEE_PERCENT defaults to 10: the fee on 19.99 is 2.00 (rounded half up), the seller nets 17.99.
      expect(figures).toMatchObject({
        days: 90,
        currency_totals: [{ currency: "eur", sales_count: 1, refunds_count: 0, gross: 1999, fees: 200, net: 1799, refunded_gross: 0 }],
        average_rating: null,
        rating_count: 0,
        revenue_per_day: [{ currency: "eur", gross: 1999, net: 1799, sales: 1 }],
        top_products: [{ product_id: productId, currency: "eur", sales: 1, net: 1799 }]
      })
      // The sale's UTC day (the check straddles midnight safely).
      expect([dayBefore, dayAfter]).toContain(figures.revenue_per_day[0].date)
      // The buyer sells nothing: their dashboard is empty.
      expect((yield* call("/seller/dashboard", { token: buyer })).body.currency_totals).toEqual([])
      for (const days of ["0", "366", "7.5", "week"]) {
        const bad = yield* call(`/seller/dashboard?days=${days}`, { token: seller })
        expect([days, bad.status]).toEqual([days, 422])
      }
      expect((yield* call("/seller/dashboard?days=366", { token: seller })).body.errors).toEqual([{ path: "days", message: "days must be a whole number from 1 to 365" }])
      expect((yield* call("/seller/dashboard?days=1", { token: seller })).body.currency_totals[0].net).toBe(1799)
    }))
})
