import { expect, layer } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { request, signedIn, TestServer, TestServerLive } from "../support/http.js"

const password = "correct horse battery staple"

const signIn = (name: string) => signedIn(name, password)

/** Polls a job until it has finished. */
const finished = (token: string, jobId: string) =>
  Effect.flatMap(TestServer, (server) =>
    request(server.url(`/api/v1/jobs/${jobId}`), { token }).pipe(
      Effect.filterOrFail((r) => ["succeeded", "failed", "cancelled"].includes(r.body.status)),
      Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo({ duration: "60 seconds" }))),
      Effect.map((r) => r.body)
    ))

const upload = (token: string, path: string, body: string | FormData, contentType?: string) =>
  Effect.flatMap(TestServer, (server) =>
    request(server.url(`/api/v1/memories${path}`), {
      method: "POST",
      token,
      body,
      ...(contentType !== undefined ? { headers: { "content-type": contentType } } : {})
    }))

/** The download link of an export, fetched from this test server (links name PUBLIC_BASE_URL). */
const download = (url: string) =>
  Effect.flatMap(TestServer, (server) => {
    const link = new URL(url)
    return Effect.promise(() => fetch(server.url(`${link.pathname}${link.search}`)).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() })))
  })

// The real server on the embedded profile, with its in-process worker and the local sentence encoder.
layer(TestServerLive({ MAX_UPLOAD_BYTES: "200000" }), { timeout: "120 seconds", excludeTestServices: true })("HTTP: memory import and export jobs", (it) => {
  it.effect("imports JSON Lines: bad lines reported by number, duplicates skipped, a rerun imports nothing twice", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const token = yield* signIn("ann")
      const lines = [
        JSON.stringify({ content: "The boiler needs a service every autumn.", tags: ["home"], external_id: "note-1" }),
        "{ this is not json",
        JSON.stringify({ content: "Renew the car insurance in May.", title: "Insurance", memory_type: "fact", pinned: true }),
        JSON.stringify({ title: "no content here" }),
        "",
        JSON.stringify({ content: "The boiler needs a service every autumn (again).", external_id: "note-1" }),
        JSON.stringify({ content: "Renew the car insurance in May." })
      ].join("\n")
      const accepted = yield* upload(token, "/import", lines, "application/x-ndjson")
      expect(accepted.status).toBe(202)
      const job = yield* finished(token, accepted.body.job_id)
      expect(job).toMatchObject({ type: "memory.import", status: "succeeded", progress: { done: 6, total: 6 }, error_count: 2 })
      expect(job.result).toEqual({ total: 6, imported: 2, duplicates: 2, invalid: 2 })
      expect(job.errors.map((e: any) => e.line)).toEqual([2, 4])
      expect(job.errors[1].message).toContain("content")

      const found = yield* request(server.url("/api/v1/memories/search"), { method: "POST", token, json: { query: "when is the boiler serviced" } })
      expect(found.body.results[0].memory).toMatchObject({ content: "The boiler needs a service every autumn.", tags: ["home"] })

      const again = yield* finished(token, (yield* upload(token, "/import", lines, "application/x-ndjson")).body.job_id)
      expect(again.result).toEqual({ total: 6, imported: 0, duplicates: 4, invalid: 2 })
      const all = yield* request(server.url("/api/v1/memories?limit=100"), { token })
      expect(all.body.items).toHaveLength(2)

      const reindex = yield* request(server.url("/api/v1/memories/reindex"), { method: "POST", token })
      expect(reindex.status).toBe(202)
      expect((yield* finished(token, reindex.body.job_id)).result).toEqual({ reindexed: 2 })
    }))

  it.effect("imports a JSON array sent as a multipart file into a collection; exports it and re-imports it losslessly elsewhere", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const ann = yield* signIn("ann")
      const bob = yield* signIn("bob")
      const collection = (yield* request(server.url("/api/v1/memories/collections"), { method: "POST", token: ann, json: { name: "Garden" } })).body
      const records = [
        { content: "Tomatoes want six hours of sun.", tags: ["garden"], metadata: { source: "book", page: 12 }, created_at: "2025-05-01T10:00:00.000Z" },
        { content: "Basil hates the cold, \"keep it inside\" until June.", title: "Basil", memory_type: "fact", pinned: true }
      ]
      const form = new FormData()
      form.append("file", new Blob([JSON.stringify(records)], { type: "application/json" }), "garden.json")
      const accepted = yield* upload(ann, `/import?collection_id=${collection.id}`, form)
      expect(accepted.body).toMatchObject({ job_id: expect.any(String) })
      expect((yield* finished(ann, accepted.body.job_id)).result).toMatchObject({ total: 2, imported: 2 })
      const inCollection = yield* request(server.url(`/api/v1/memories?collection_id=${collection.id}`), { token: ann })
      expect(inCollection.body.items.map((m: any) => m.content).sort()).toEqual(records.map((r) => r.content).sort())

      for (const format of ["jsonl", "json"] as const) {
        const exported = yield* request(server.url("/api/v1/memories/export"), { method: "POST", token: ann, json: { format, collection_id: collection.id } })
        expect(exported.status).toBe(202)
        const job = yield* finished(ann, exported.body.job_id)
        expect(job.result).toMatchObject({ format, count: 2 })
        const file = yield* download(job.result.download_url)
        expect(file.status).toBe(200)
        expect(file.headers.get("content-disposition")).toContain(`.${format}`)
        const items = format === "jsonl" ? file.text.trim().split("\n").map((l) => JSON.parse(l)) : JSON.parse(file.text)
        expect(items).toHaveLength(2)

        // Bob imports Ann's export: the same memories, field for field.
        const imported = yield* finished(bob, (yield* upload(bob, "/import", file.text, format === "jsonl" ? "application/x-ndjson" : "application/json")).body.job_id)
        expect(imported.result).toMatchObject({ imported: format === "jsonl" ? 2 : 0, duplicates: format === "jsonl" ? 0 : 2 })
      }
      const strip = (m: any) => ({ title: m.title, content: m.content, tags: m.tags, metadata: m.metadata, memory_type: m.memory_type, pinned: m.pinned, created_at: m.created_at })
      const bobs = (yield* request(server.url("/api/v1/memories"), { token: bob })).body.items.map(strip)
      expect(bobs.sort((a: any, b: any) => a.content.localeCompare(b.content))).toEqual(
        inCollection.body.items.map(strip).sort((a: any, b: any) => a.content.localeCompare(b.content))
      )
      expect(bobs.find((m: any) => m.title === "Basil")).toMatchObject({ memory_type: "fact", pinned: true })
      expect(bobs.find((m: any) => m.content.startsWith("Tomatoes"))).toMatchObject({ metadata: { source: "book", page: 12 }, created_at: "2025-05-01T10:00:00.000Z" })
    }))

  it.effect("refuses what it cannot take, with a clear 4xx; links and jobs are their owner's", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const ann = yield* signIn("ann")
      const bob = yield* signIn("bob")
      const unsupported = yield* upload(ann, "/import", "hello", "text/plain")
      expect([unsupported.status, unsupported.body.code]).toEqual([415, "unsupported_media_type"])
      const huge = yield* upload(ann, "/import", "x".repeat(250_000), "application/x-ndjson")
      expect(huge.status).toBe(413)
      const noFile = new FormData()
      noFile.append("other", "value")
      const missing = yield* upload(ann, "/import", noFile)
      expect([missing.status, missing.body.detail]).toEqual([400, "The multipart body has no file field named `file`"])
      const bobsCollection = (yield* request(server.url("/api/v1/memories/collections"), { method: "POST", token: bob, json: { name: "Mine" } })).body
      expect((yield* upload(ann, `/import?collection_id=${bobsCollection.id}`, "{}", "application/x-ndjson")).status).toBe(404)
      expect((yield* request(server.url("/api/v1/memories/export"), { method: "POST", token: ann, json: { format: "xml" } })).status).toBe(422)

      const notArray = yield* finished(ann, (yield* upload(ann, "/import", "{\"content\": \"x\"}", "application/json")).body.job_id)
      expect([notArray.status, notArray.errors[0].message]).toEqual(["failed", "JobFailed: a JSON import must be one array of records: [ {...}, {...} ]"])

      const job = yield* finished(ann, (yield* request(server.url("/api/v1/memories/export"), { method: "POST", token: ann, json: {} })).body.job_id)
      expect((yield* request(server.url(`/api/v1/jobs/${job.id}`), { token: bob })).status).toBe(404)
      expect((yield* request(server.url(`/api/v1/jobs/${job.id}`), { method: "DELETE", token: ann })).status).toBe(409)
      expect((yield* request(server.url("/api/v1/jobs"), { token: ann })).body.items.map((j: any) => j.id)).toContain(job.id)
      const tampered = new URL(job.result.download_url)
      tampered.searchParams.set("expires", String(Number(tampered.searchParams.get("expires")) + 3600))
      expect(yield* download(tampered.toString())).toMatchObject({ status: 403 })
    }))
})
