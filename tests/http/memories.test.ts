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
})
