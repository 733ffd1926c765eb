import { expect, layer } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { loginAs, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"

/** A new user's session token, and a way to mint API keys of that user. */
const account = (name: string) =>
  Effect.gen(function*() {
    const server = yield* TestServer
    const email = uniqueEmail(name)
    yield* register(email, password)
    const { access_token } = yield* loginAs(email, password)
    const keyWith = (...scopes: ReadonlyArray<string>) =>
      Effect.map(
        request(server.url("/api/v1/auth/api-keys"), { method: "POST", token: access_token, json: { name: scopes.join(" "), scopes } }),
        (r) => r.body.key as string
      )
    return { session: access_token, keyWith }
  })

const job = (token: string, id: string, method = "GET") => Effect.flatMap(TestServer, (server) => request(server.url(`/api/v1/jobs/${id}`), { method, token }))

// With the in-process worker: an export runs to its end, and its result names a download URL.
layer(TestServerLive(), { timeout: "60 seconds", excludeTestServices: true })("HTTP: jobs carry the scopes of their kind (finished jobs)", (it) => {
  it.effect("a projects:read key cannot read an export job nor its download URL (403); memories:read can; a session can", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const ann = yield* account("exporter")
      const started = yield* request(server.url("/api/v1/memories/export"), { method: "POST", token: ann.session, json: { format: "jsonl" } })
      expect(started.status).toBe(202)
      const id: string = started.body.job_id
      const done = yield* job(ann.session, id).pipe(
        Effect.filterOrFail((r) => r.body.status === "succeeded"),
        Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo({ duration: "30 seconds" })))
      )
      expect(done.body.result.download_url).toEqual(expect.any(String))

      // The input: a projects:read key read the export job and its download URL.
      const projects = yield* ann.keyWith("projects:read")
      const refused = yield* job(projects, id)
      expect([refused.status, refused.body.detail]).toEqual([403, "This API key lacks the scope memories:read"])
      expect(JSON.stringify(refused.body)).not.toContain("download")
      const listed = yield* request(server.url("/api/v1/jobs"), { token: projects })
      expect([listed.status, listed.body.detail]).toEqual([403, "This API key lacks the scope memories:read"])

      const reader = yield* ann.keyWith("memories:read")
      const read = yield* job(reader, id)
      expect([read.status, typeof read.body.result.download_url]).toEqual([200, "string"])
      expect((yield* request(server.url("/api/v1/jobs"), { token: reader })).body.items.map((j: any) => j.id)).toEqual([id])

      // Starting a job needs the write scope of its kind, an export too.
      const readerExport = yield* request(server.url("/api/v1/memories/export"), { method: "POST", token: reader, json: {} })
      expect([readerExport.status, readerExport.body.detail]).toEqual([403, "This API key lacks the scope memories:write"])
      const writerExport = yield* request(server.url("/api/v1/memories/export"), { method: "POST", token: yield* ann.keyWith("memories:write"), json: {} })
      expect(writerExport.status).toBe(202)
      // Another user's key, whatever its scopes, still gets 404.
      const bob = yield* account("stranger")
      expect((yield* job(yield* bob.keyWith("memories:read", "memories:write"), id)).status).toBe(404)
    }))
})

// No worker in this server: jobs stay queued, so there is always something to cancel.
layer(TestServerLive({ WORKER_IN_API: "false" }), { timeout: "60 seconds", excludeTestServices: true })(
  "HTTP: jobs carry the scopes of their kind (queued jobs)",
  (it) => {
    const importJob = (token: string) =>
      Effect.flatMap(TestServer, (server) =>
        request(server.url("/api/v1/memories/import"), {
          method: "POST",
          token,
          body: JSON.stringify({ content: "Water the ferns on Sunday." }),
          headers: { "content-type": "application/x-ndjson" }
        })).pipe(Effect.map((r) => {
          expect(r.status).toBe(202)
          return r.body.job_id as string
        }))

    it.effect("a marketplace:read key cannot cancel an import (it stays queued); memories:read reads but cannot cancel; memories:write cancels", () =>
      Effect.gen(function*() {
        const ann = yield* account("importer")
        const id = yield* importJob(ann.session)

        // The input: a marketplace:read key cancelled an import.
        const market = yield* ann.keyWith("marketplace:read")
        const refused = yield* job(market, id, "DELETE")
        expect([refused.status, refused.body.detail]).toEqual([403, "This API key lacks the scope memories:write"])
        expect((yield* job(market, id)).status).toBe(403)
        expect((yield* job(ann.session, id)).body.status).toBe("queued")

        const reader = yield* ann.keyWith("memories:read")
        expect((yield* job(reader, id)).body).toMatchObject({ id, type: "memory.import", status: "queued" })
        const readerCancel = yield* job(reader, id, "DELETE")
        expect([readerCancel.status, readerCancel.body.detail]).toEqual([403, "This API key lacks the scope memories:write"])
        expect((yield* job(ann.session, id)).body.status).toBe("queued")

        // memories:write alone may cancel (it cannot read: the answer to a cancel is the cancelled job itself).
        const writer = yield* ann.keyWith("memories:write")
        const cancelled = yield* job(writer, id, "DELETE")
        expect([cancelled.status, cancelled.body.status]).toEqual([200, "cancelled"])
        expect((yield* job(ann.session, id)).body.status).toBe("cancelled")
      }))

    it.effect("a session keeps full access to its own jobs: it lists, reads and cancels them", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const ann = yield* account("session")
        const id = yield* importJob(ann.session)
        expect((yield* request(server.url("/api/v1/jobs"), { token: ann.session })).body.items.map((j: any) => j.id)).toEqual([id])
        expect((yield* job(ann.session, id)).status).toBe(200)
        expect((yield* job(ann.session, id, "DELETE")).body.status).toBe("cancelled")
        const bob = yield* account("bob")
        expect((yield* job(bob.session, id, "DELETE")).status).toBe(404)
      }))
  }
)
