import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { loginAs, MAIL_ENV, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"
import { adminToken, approvedProduct as listedProduct, verifiedUser } from "../support/marketplace-http.js"

const password = "correct horse battery staple"

const signedIn = (name: string) =>
  Effect.gen(function*() {
    const email = uniqueEmail(name)
    yield* register(email, password, name)
    return (yield* loginAs(email, password)).access_token
  })

/** An approved product of a verified seller (through the real endpoints), and the seller's token. */
const approvedProduct = Effect.gen(function*() {
  const seller = yield* verifiedUser("seller")
  const id = yield* listedProduct(seller)
  return { id, seller, admin: yield* adminToken }
})

/** A signed-in user who bought the product and whose order an admin marked paid. */
const buyer = (productId: string, admin: string) =>
  Effect.gen(function*() {
    const server = yield* TestServer
    const token = yield* signedIn("buyer")
    const order = yield* request(server.url(`/api/v1/marketplace/products/${productId}/purchase`), { method: "POST", token })
    expect((yield* request(server.url(`/api/v1/marketplace/admin/orders/${order.body.id}/mark-paid`), { method: "POST", token: admin })).body.status).toBe("paid")
    return token
  })

layer(TestServerLive(MAIL_ENV), { timeout: "90 seconds", excludeTestServices: true })("HTTP: marketplace reviews", (it) => {
  it.effect("buyers review once, edit and delete their own; the product's rating follows exactly; the list is public and paginated", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const market = (path: string) => server.url(`/api/v1/marketplace${path}`)
      const product = yield* approvedProduct
      const reviews = market(`/products/${product.id}/reviews`)
      const [ann, bob, cat] = [yield* buyer(product.id, product.admin), yield* buyer(product.id, product.admin), yield* buyer(product.id, product.admin)]

      expect((yield* request(reviews, { method: "POST", json: { rating: 5 } })).status).toBe(401)
      const stranger = yield* request(reviews, { method: "POST", token: yield* signedIn("stranger"), json: { rating: 5, text: "never bought it" } })
      expect([stranger.status, stranger.body.detail]).toEqual([403, "only buyers of a paid order can review this product"])
      expect((yield* request(reviews, { method: "POST", token: product.seller, json: { rating: 5 } })).status).toBe(403)

      const created = yield* request(reviews, { method: "POST", token: ann, json: { rating: 5, text: "  Beautiful presets  " } })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ product_id: product.id, rating: 5, text: "Beautiful presets" })
      expect(Object.keys(created.body).sort()).toEqual(["author_id", "created_at", "id", "product_id", "rating", "text", "updated_at"])
      const again = yield* request(reviews, { method: "POST", token: ann, json: { rating: 1, text: "again" } })
      expect([again.status, again.body.detail]).toEqual([409, "You have already reviewed this product; edit or delete that review instead"])

      const fromBob = (yield* request(reviews, { method: "POST", token: bob, json: { rating: 4, text: "Good" } })).body
      const fromCat = (yield* request(reviews, { method: "POST", token: cat, json: { rating: 4 } })).body
      expect(fromCat.text).toBe("")
      const summary = Effect.map(request(market(`/products/${product.id}`)), (r) => [r.body.rating_average, r.body.rating_count])
      expect(yield* summary).toEqual([(5 + 4 + 4) / 3, 3])

      const edited = yield* request(`${reviews}/${fromCat.id}`, { method: "PATCH", token: cat, json: { rating: 1, text: "Broke my workflow" } })
      expect(edited.body).toMatchObject({ id: fromCat.id, rating: 1, text: "Broke my workflow" })
      expect(yield* summary).toEqual([(5 + 4 + 1) / 3, 3])
      expect((yield* request(`${reviews}/${fromCat.id}`, { method: "PATCH", token: bob, json: { rating: 5 } })).status).toBe(404)
      expect((yield* request(`${reviews}/${fromCat.id}`, { method: "DELETE", token: bob })).status).toBe(404)

      // Public, newest first, in pages.
      const first = yield* request(`${reviews}?limit=2`)
      expect(first.status).toBe(200)
      expect(first.body.items.map((r: any) => r.id)).toEqual([fromCat.id, fromBob.id])
      const second = yield* request(`${reviews}?limit=2&cursor=${first.body.next_cursor}`)
      expect([second.body.items.map((r: any) => r.id), second.body.next_cursor]).toEqual([[created.body.id], null])
      expect((yield* request(`${reviews}?cursor=not-a-cursor`)).status).toBe(400)
      expect((yield* request(market(`/products/${crypto.randomUUID()}/reviews`))).status).toBe(404)

      expect((yield* request(`${reviews}/${fromBob.id}`, { method: "DELETE", token: bob })).status).toBe(204)
      expect(yield* summary).toEqual([(5 + 1) / 2, 2])
      expect((yield* request(reviews)).body.items.map((r: any) => r.id)).toEqual([fromCat.id, created.body.id])
    }))

  it.effect("bad ratings, an empty edit and too long a text are 422s naming the field", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const product = yield* approvedProduct
      const reviews = server.url(`/api/v1/marketplace/products/${product.id}/reviews`)
      const ann = yield* buyer(product.id, product.admin)
      for (const body of [{ rating: 0 }, { rating: 6 }, { rating: "x" }, { rating: 4.5 }, { text: "no rating" }]) {
        const refused = yield* request(reviews, { method: "POST", token: ann, json: body })
        expect(refused.status, JSON.stringify(body)).toBe(422)
        expect(refused.body.errors.map((e: any) => e.path), JSON.stringify(body)).toEqual(["rating"])
      }
      expect((yield* request(reviews, { method: "POST", token: ann, json: { rating: 6 } })).body.errors[0].message).toBe("rating must be a whole number from 1 to 5")
      const long = yield* request(reviews, { method: "POST", token: ann, json: { rating: 3, text: "x".repeat(5001) } })
      expect([long.status, long.body.errors.map((e: any) => e.path)]).toEqual([422, ["text"]])

      const created = (yield* request(reviews, { method: "POST", token: ann, json: { rating: 3, text: "ok" } })).body
      expect((yield* request(`${reviews}/${created.id}`, { method: "PATCH", token: ann, json: {} })).status).toBe(422)
      expect((yield* request(`${reviews}/${created.id}`, { method: "PATCH", token: ann, json: { rating: 0 } })).status).toBe(422)
      expect((yield* request(`${reviews}/${created.id}`, { method: "PATCH", token: ann, json: { text: "better than I thought" } })).body).toMatchObject({ rating: 3, text: "better than I thought" })
    }))
})
