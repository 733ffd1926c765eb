import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { loginAs, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"

// The real server on the embedded profile: the local sentence encoder and pgvector in PGlite.
layer(TestServerLive(), { timeout: "90 seconds", excludeTestServices: true })("HTTP: memories", (it) => {
  it.effect("create, search by meaning and by words, edit, delete; another user sees nothing", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const [ann, bob] = [uniqueEmail("ann"), uniqueEmail("bob")]
      yield* register(ann, password)
      yield* register(bob, password)
      const { access_token: token } = yield* loginAs(ann, password)
      const { access_token: bobToken } = yield* loginAs(bob, password)
      const call = (method: string, path: string, json?: unknown, as = token) =>
        request(server.url(`/api/v1/memories${path}`), { method, token: as, ...(json !== undefined ? { json } : {}) })

      const collection = yield* call("POST", "/collections", { name: "Work" })
      expect(collection.status).toBe(201)
      const texts = [
        "Quarterly revenue grew by twelve percent thanks to the new pricing.",
        "The cat sleeps on the warm windowsill every afternoon.",
        "Remember to renew the passport before the trip to Japan."
      ]
      const created = []
      for (const [i, content] of texts.entries()) {
        const response = yield* call("POST", "", { content, tags: i === 0 ? ["finance"] : [], ...(i === 0 ? { collection_id: collection.body.id } : {}) })
        expect(response.status).toBe(201)
        created.push(response.body)
      }
      expect(created[0]).toMatchObject({ tags: ["finance"], memory_type: "note", pinned: false, collection_id: collection.body.id, metadata: {} })

      const search = (json: Record<string, unknown>, as = token) => call("POST", "/search", json, as)
      const byMeaning = yield* search({ query: "how did sales grow this quarter", mode: "vector", limit: 3 })
      expect(byMeaning.status).toBe(200)
      expect(byMeaning.body.results[0].memory.id).toBe(created[0].id)
      expect(byMeaning.body.results[0].score).toBeGreaterThan(byMeaning.body.results[1].score)
      const byWords = yield* search({ query: "passport Japan", mode: "keyword" })
      expect(byWords.body.results.map((r: any) => r.memory.id)).toEqual([created[2].id])
      const hybrid = yield* search({ query: "cat windowsill" })
      expect(hybrid.body.results[0].memory.id).toBe(created[1].id)
      const scoped = yield* search({ query: "revenue", collection_id: collection.body.id })
      expect(scoped.body.results.map((r: any) => r.memory.id)).toEqual([created[0].id])

      expect((yield* search({ query: "revenue pricing" }, bobToken)).body.results).toEqual([])
      expect((yield* call("GET", `/${created[0].id}`, undefined, bobToken)).status).toBe(404)

      const edited = yield* call("PATCH", `/${created[1].id}`, { content: "The dog barks at the mailman every morning.", pinned: true })
      expect(edited.body).toMatchObject({ pinned: true, content: "The dog barks at the mailman every morning." })
      const dog = yield* search({ query: "dog barking", mode: "vector", limit: 1 })
      expect(dog.body.results[0].memory.id).toBe(created[1].id)

      expect((yield* call("DELETE", `/${created[2].id}`)).status).toBe(204)
      const gone = yield* search({ query: "passport Japan", mode: "keyword" })
      expect(gone.body.results).toEqual([])
      const list = yield* call("GET", "?pinned=true")
      expect(list.body.items.map((m: any) => m.id)).toEqual([created[1].id])

      const answer = yield* call("POST", "/rag", { question: "What does the dog do in the morning?" })
      expect(answer.status).toBe(200)
      expect(answer.body.citations.map((c: any) => c.memory_id)).toEqual([created[1].id])
      expect(answer.body.answer).toContain("The dog barks at the mailman every morning.")
      const unknown = yield* call("POST", "/rag", { question: "What is the capital of Peru?" })
      expect(unknown.body).toEqual({ answer: "I found nothing in your memories that answers this.", citations: [] })
      expect((yield* call("POST", "/rag", { question: "How did revenue grow?" }, bobToken)).body.citations).toEqual([])

      expect((yield* call("POST", "", { content: "   " })).status).toBe(422)
      expect((yield* call("POST", "", { content: "x", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })).status).toBe(422)
      const huge = yield* call("POST", "", { content: "y", metadata: { blob: "z".repeat(20_000) } })
      expect(huge.status).toBe(413)
      expect((yield* search({ query: "" })).status).toBe(422)
      expect((yield* search({ query: "x", mode: "psychic" })).status).toBe(422)
    }))

  it.effect("sharing: share, read, search, edit with write, revoke; shared-with-me; bad input is 4xx", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const [ann, bob, carol] = [uniqueEmail("ann"), uniqueEmail("bob"), uniqueEmail("carol")]
      for (const email of [ann, bob, carol]) yield* register(email, password)
      const tokens = {
        ann: (yield* loginAs(ann, password)).access_token as string,
        bob: (yield* loginAs(bob, password)).access_token as string,
        carol: (yield* loginAs(carol, password)).access_token as string
      }
      const call = (as: keyof typeof tokens, method: string, path: string, json?: unknown) =>
        request(server.url(`/api/v1/memories${path}`), { method, token: tokens[as], ...(json !== undefined ? { json } : {}) })

      const memory = (yield* call("ann", "POST", "", { content: "The spare house key is under the blue flowerpot." })).body
      const trips = (yield* call("ann", "POST", "/collections", { name: "Trips" })).body
      const hotel = (yield* call("ann", "POST", "", { content: "Hotel Aurora in Porto, booking reference TRV-88213.", collection_id: trips.id })).body

      const shared = yield* call("ann", "POST", `/${memory.id}/shares`, { email: bob.toUpperCase(), permission: "read" })
      expect(shared.status).toBe(201)
      expect(shared.body).toMatchObject({ email: bob, permission: "read" })
      const bobId = shared.body.user_id
      expect((yield* call("bob", "GET", `/${memory.id}`)).status).toBe(200)
      const found = yield* call("bob", "POST", "/search", { query: "where is the spare key" })
      expect(found.body.results.map((r: any) => r.memory.id)).toEqual([memory.id])
      expect((yield* call("bob", "PATCH", `/${memory.id}`, { content: "moved" })).status).toBe(403)
      expect((yield* call("bob", "DELETE", `/${memory.id}`)).status).toBe(403)
      expect((yield* call("bob", "POST", `/${memory.id}/shares`, { email: carol, permission: "read" })).status).toBe(403)
      expect((yield* call("carol", "GET", `/${memory.id}`)).status).toBe(404)
      expect((yield* call("carol", "POST", `/${memory.id}/shares`, { email: carol, permission: "read" })).status).toBe(404)

      expect((yield* call("ann", "POST", `/collections/${trips.id}/shares`, { email: bob, permission: "write" })).status).toBe(201)
      const inTrips = yield* call("bob", "POST", "/search", { query: "TRV-88213", mode: "keyword", collection_id: trips.id })
      expect(inTrips.body.results.map((r: any) => r.memory.id)).toEqual([hotel.id])
      const edited = yield* call("bob", "PATCH", `/${hotel.id}`, { title: "Porto hotel" })
      expect(edited.status).toBe(200)
      expect(edited.body).toMatchObject({ title: "Porto hotel", owner_id: hotel.owner_id })
      expect((yield* call("bob", "PATCH", `/${hotel.id}`, { collection_id: null })).status).toBe(403)

      const mine = yield* call("bob", "GET", "/shared-with-me?limit=1")
      expect(mine.status).toBe(200)
      expect(mine.body.items).toHaveLength(1)
      expect(mine.body.items[0]).toMatchObject({ kind: "collection", permission: "write", owner_id: hotel.owner_id, memory: null, collection: { id: trips.id } })
      const more = yield* call("bob", "GET", `/shared-with-me?limit=1&cursor=${mine.body.next_cursor}`)
      expect(more.body.items[0]).toMatchObject({ kind: "memory", permission: "read", memory: { id: memory.id }, collection: null })
      expect((yield* call("ann", "GET", `/${memory.id}/shares`)).body.items).toMatchObject([{ user_id: bobId, email: bob, permission: "read" }])
      expect((yield* call("bob", "GET", `/collections/${trips.id}/shares`)).status).toBe(403)

      expect((yield* call("ann", "DELETE", `/collections/${trips.id}/shares/${bobId}`)).status).toBe(204)
      expect((yield* call("ann", "DELETE", `/${memory.id}/shares/${bobId}`)).status).toBe(204)
      expect((yield* call("ann", "DELETE", `/${memory.id}/shares/${bobId}`)).status).toBe(404)
      expect((yield* call("bob", "GET", `/${hotel.id}`)).status).toBe(404)
      expect((yield* call("bob", "POST", "/search", { query: "spare key flowerpot" })).body.results).toEqual([])
      expect((yield* call("bob", "GET", "/shared-with-me")).body).toEqual({ items: [], next_cursor: null })

      const self = yield* call("ann", "POST", `/${memory.id}/shares`, { email: ann, permission: "read" })
      expect([self.status, self.body.errors?.[0]?.path]).toEqual([422, "email"])
      expect((yield* call("ann", "POST", `/${memory.id}/shares`, { email: "nobody@example.com", permission: "read" })).status).toBe(404)
      const bad = yield* call("ann", "POST", `/${memory.id}/shares`, { email: "not-an-email", permission: "admin" })
      expect(bad.status).toBe(422)
      expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(["email", "permission"])
      expect((yield* call("ann", "DELETE", `/${memory.id}/shares/not-a-uuid`)).status).toBe(422)
    }))

  it.effect("analytics: totals, per collection and tag, per day, and the caller's own top queries", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const [ann, bob] = [uniqueEmail("ann"), uniqueEmail("bob")]
      yield* register(ann, password)
      yield* register(bob, password)
      const tokens = { ann: (yield* loginAs(ann, password)).access_token as string, bob: (yield* loginAs(bob, password)).access_token as string }
      const call = (as: keyof typeof tokens, method: string, path: string, json?: unknown) =>
        request(server.url(`/api/v1/memories${path}`), { method, token: tokens[as], ...(json !== undefined ? { json } : {}) })
      const garden = (yield* call("ann", "POST", "/collections", { name: "Garden" })).body
      yield* call("ann", "POST", "", { content: "Tomatoes need six hours of sun.", tags: ["garden", "tomato"], collection_id: garden.id, pinned: true })
      yield* call("ann", "POST", "", { content: "Water the basil every second day.", tags: ["garden"], memory_type: "fact" })
      yield* call("ann", "POST", "/search", { query: "tomato sun" })
      yield* call("ann", "POST", "/search", { query: "  Tomato   SUN ", mode: "keyword" })
      yield* call("ann", "POST", "/rag", { question: "How often should I water the basil?" })
      yield* call("bob", "POST", "/search", { query: "bob's secret query" })

      const response = yield* call("ann", "GET", "/analytics?days=7")
      expect(response.status).toBe(200)
      const today = new Date().toISOString().slice(0, 10)
      expect(response.body).toMatchObject({
        days: 7,
        totals: { memories: 2, collections: 1, pinned: 1, shared_by_me: 0, shared_with_me: 0, searches: 2, rag_queries: 1 },
        by_collection: [{ collection_id: garden.id, name: "Garden", count: 1 }, { collection_id: null, name: null, count: 1 }],
        by_tag: [{ tag: "garden", count: 2 }, { tag: "tomato", count: 1 }],
        by_type: [{ memory_type: "fact", count: 1 }, { memory_type: "note", count: 1 }],
        created_per_day: [{ date: today, count: 2 }],
        queries_per_day: [{ date: today, searches: 2, rag_queries: 1 }]
      })
      expect(response.body.top_queries.map((q: any) => [q.query, q.count])).toEqual([["tomato sun", 2], ["how often should i water the basil?", 1]])
      expect((yield* call("ann", "GET", "/analytics?days=0")).status).toBe(422)
      expect((yield* call("ann", "GET", "/analytics?days=abc")).status).toBe(422)
    }))
})
