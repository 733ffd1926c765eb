import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ADMIN, loginAs, MAIL_ENV, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"
import { PASSWORD, verifiedUser } from "../support/marketplace-http.js"

const password = PASSWORD
const verifiedSeller = verifiedUser

layer(TestServerLive(MAIL_ENV), { timeout: "90 seconds", excludeTestServices: true })("HTTP: marketplace products and approval", (it) => {
  it.effect("a seller lists a product, an admin rejects then approves it, the catalogue shows only what is approved", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const market = (path: string) => server.url(`/api/v1/marketplace${path}`)
      const seller = yield* verifiedSeller("seller")
      const admin = (yield* loginAs(ADMIN.email, ADMIN.password)).access_token
      const category = `templates-${crypto.randomUUID().slice(0, 6)}`

      const created = yield* request(market("/products"), {
        method: "POST",
        token: seller,
        json: { title: "Household Budget Template", description: "A spreadsheet to plan the month.", category: category.toUpperCase(), price: 1500, currency: "usd", license_activation_limit: 3 }
      })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ status: "draft", price: 1500, currency: "usd", category, file: null, rating_count: 0 })
      const id = created.body.id

      const early = yield* request(market(`/products/${id}/submit`), { method: "POST", token: seller })
      expect([early.status, early.body.detail]).toEqual([409, "Cannot submit this product: upload the product's file before submitting it for review"])
      const uploaded = yield* request(market(`/products/${id}/files?filename=budget.xlsx`), {
        method: "POST",
        token: seller,
        body: "month,income,spend\njan,3000,2500\n",
        headers: { "content-type": "text/csv" }
      })
      expect(uploaded.status).toBe(200)
      expect(uploaded.body.file).toEqual({ name: "budget.xlsx", size: 33, content_type: "text/csv" })
      expect((yield* request(market(`/products/${id}/submit`), { method: "POST", token: seller })).body.status).toBe("pending_review")

      const catalogue = (query = "") => Effect.map(request(market(`/products?category=${category}${query}`)), (r) => r.body.items.map((p: any) => p.id))
      expect(yield* catalogue()).toEqual([])
      expect((yield* request(market(`/products/${id}`))).status).toBe(404)
      expect((yield* request(market("/admin/products"), { token: seller })).status).toBe(403)
      const queue = yield* request(market("/admin/products?status=pending_review&limit=100"), { token: admin })
      expect(queue.body.items.map((p: any) => p.id)).toContain(id)

      const rejected = yield* request(market(`/admin/products/${id}/reject`), { method: "POST", token: admin, json: { reason: "Add a preview image to the description" } })
      expect(rejected.body).toMatchObject({ status: "rejected", rejection_reason: "Add a preview image to the description" })
      const mine = yield* request(market("/seller/products"), { token: seller })
      expect(mine.body.items.find((p: any) => p.id === id)).toMatchObject({ status: "rejected", rejection_reason: "Add a preview image to the description" })
      expect((yield* request(market(`/admin/products/${id}/approve`), { method: "POST", token: admin })).status).toBe(409)
      const edited = yield* request(market(`/products/${id}`), { method: "PATCH", token: seller, json: { description: "A spreadsheet to plan the month. Preview: ..." } })
      expect(edited.body.status).toBe("draft")
      yield* request(market(`/products/${id}/submit`), { method: "POST", token: seller })
      const approved = yield* request(market(`/admin/products/${id}/approve`), { method: "POST", token: admin })
      expect(approved.body).toMatchObject({ status: "approved", rejection_reason: null })

      expect(yield* catalogue()).toEqual([id])
      expect(yield* catalogue("&q=budget%20spreadsheet")).toEqual([id])
      expect(yield* catalogue("&q=guitar")).toEqual([])
      expect(yield* catalogue("&min_price=2000")).toEqual([])
      expect((yield* request(market(`/products/${id}`))).body).toMatchObject({ id, status: "approved", seller_id: created.body.seller_id })
      const categories = yield* request(market("/categories"))
      expect(categories.body.items).toContainEqual({ category, count: 1 })

      // A new price goes back to review, and leaves the catalogue until approved again.
      expect((yield* request(market(`/products/${id}`), { method: "PATCH", token: seller, json: { price: 1900 } })).body.status).toBe("pending_review")
      expect(yield* catalogue()).toEqual([])
      yield* request(market(`/admin/products/${id}/approve`), { method: "POST", token: admin })
      expect((yield* request(market(`/products/${id}`))).body.price).toBe(1900)

      // Only the seller edits; deleting archives.
      const other = yield* verifiedSeller("other")
      expect((yield* request(market(`/products/${id}`), { method: "PATCH", token: other, json: { price: 1 } })).status).toBe(404)
      expect((yield* request(market(`/products/${id}`), { method: "DELETE", token: seller })).body.status).toBe("archived")
      expect(yield* catalogue()).toEqual([])
      expect((yield* request(market(`/products/${id}`), { method: "PATCH", token: seller, json: { price: 1 } })).status).toBe(409)
    }))

  it.effect("sellers must be verified; bad input is a 422 naming the fields; a multipart file works", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const market = (path: string) => server.url(`/api/v1/marketplace${path}`)
      const email = uniqueEmail("unverified")
      yield* request(server.url("/api/v1/auth/register"), { method: "POST", json: { email, password, name: "U" } })
      const unverified = (yield* loginAs(email, password)).access_token
      const body = { title: "Song pack", category: "music", price: 500, currency: "eur" }
      const refused = yield* request(market("/products"), { method: "POST", token: unverified, json: body })
      expect([refused.status, refused.body.detail]).toEqual([403, "verify your email address before selling"])

      const seller = yield* verifiedSeller("seller")
      const bad = yield* request(market("/products"), { method: "POST", token: seller, json: { title: "", category: "music", price: -1, currency: "EUR", license_activation_limit: 0 } })
      expect(bad.status).toBe(422)
      expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(["currency", "license_activation_limit", "price", "title"])
      const badSort = yield* request(market("/products?sort=cheapest"))
      expect(badSort.status).toBe(422)

      const created = (yield* request(market("/products"), { method: "POST", token: seller, json: body })).body
      const form = new FormData()
      form.append("file", new Blob(["ID3 fake mp3 bytes"], { type: "audio/mpeg" }), "songs.mp3")
      const uploaded = yield* request(market(`/products/${created.id}/files`), { method: "POST", token: seller, body: form })
      expect(uploaded.body.file).toEqual({ name: "songs.mp3", size: 18, content_type: "audio/mpeg" })
      const empty = new FormData()
      empty.append("note", "no file here")
      expect((yield* request(market(`/products/${created.id}/files`), { method: "POST", token: seller, body: empty })).status).toBe(400)
      // Changed by issue 13: the seller reads its own draft by id (it was 404); anyone else still gets 404.
      expect((yield* request(market(`/products/${created.id}`), { token: seller })).body).toMatchObject({ id: created.id, status: "draft" })
      expect((yield* request(market(`/products/${created.id}`))).status).toBe(404)
    }))

  it.effect("purchase with the manual provider: pending, admin mark-paid (twice), download link, license; own product and re-buying refused", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const market = (path: string) => server.url(`/api/v1/marketplace${path}`)
      const seller = yield* verifiedSeller("seller")
      const buyer = yield* verifiedSeller("buyer")
      const admin = (yield* loginAs(ADMIN.email, ADMIN.password)).access_token
      const product = (yield* request(market("/products"), { method: "POST", token: seller, json: { title: "Photo presets", category: "photo", price: 2500, currency: "eur", license_activation_limit: 2 } })).body
      yield* request(market(`/products/${product.id}/files?filename=presets.zip`), { method: "POST", token: seller, body: "PK fake zip", headers: { "content-type": "application/zip" } })
      yield* request(market(`/products/${product.id}/submit`), { method: "POST", token: seller })
      yield* request(market(`/admin/products/${product.id}/approve`), { method: "POST", token: admin })

      const order = yield* request(market(`/products/${product.id}/purchase`), { method: "POST", token: buyer })
      expect(order.status).toBe(201)
      expect(order.body).toMatchObject({ status: "pending", amount: 2500, currency: "eur", provider: "manual", checkout_url: null })
      expect((yield* request(market(`/orders/${order.body.id}/download`), { token: buyer })).status).toBe(403)
      expect((yield* request(market(`/admin/orders/${order.body.id}/mark-paid`), { method: "POST", token: buyer })).status).toBe(403)
      expect((yield* request(market(`/admin/orders/${order.body.id}/mark-paid`), { method: "POST", token: admin })).body.status).toBe("paid")
      expect((yield* request(market(`/admin/orders/${order.body.id}/mark-paid`), { method: "POST", token: admin })).body.status).toBe("paid")

      const link = yield* request(market(`/orders/${order.body.id}/download`), { token: buyer })
      expect(link.status).toBe(200)
      const url = new URL(link.body.url)
      const file = yield* Effect.promise(() => fetch(server.url(`${url.pathname}${url.search}`)).then((r) => r.text()))
      expect(file).toBe("PK fake zip")
      const licenses = (yield* request(market("/licenses"), { token: buyer })).body.items
      expect(licenses).toHaveLength(1)
      expect(licenses[0]).toMatchObject({ order_id: order.body.id, activation_limit: 2, status: "active" })
      expect((yield* request(market("/orders"), { token: buyer })).body.items.map((o: any) => o.id)).toEqual([order.body.id])
      expect((yield* request(market(`/orders/${order.body.id}`), { token: seller })).status).toBe(404)
      expect((yield* request(market(`/products/${product.id}/purchase`), { method: "POST", token: buyer })).status).toBe(409)
      const own = yield* request(market(`/products/${product.id}/purchase`), { method: "POST", token: seller })
      expect([own.status, own.body.detail]).toEqual([409, "Cannot buy this: you cannot buy your own product"])
      expect((yield* request(market(`/products/${product.id}`))).body.sales_count).toBe(1)
    }))
})
