import * as fs from "node:fs"
import * as path from "node:path"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { loginAs, register, request, TestServer, TestServerLive, TEST_ENV, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"

const signIn = (name: string) =>
  Effect.gen(function*() {
    const email = uniqueEmail(name)
    yield* register(email, password)
    const { access_token } = yield* loginAs(email, password)
    const me = yield* Effect.flatMap(TestServer, (s) => request(s.url("/api/v1/auth/me"), { token: access_token }))
    return { token: access_token, userId: me.body.id as string }
  })

// No worker in the API: the jobs stay queued, as they do behind a busy worker.
layer(
  TestServerLive({
    WORKER_IN_API: "false",
    RATE_LIMIT_SEARCH_PER_MINUTE: "3",
    RATE_LIMIT_RAG_PER_MINUTE: "2",
    RATE_LIMIT_JOBS_PER_HOUR: "4",
    JOBS_MAX_ACTIVE_PER_USER: "2"
  }),
  { timeout: "60 seconds", excludeTestServices: true }
)("HTTP: limits of the expensive memory endpoints", (it) => {
  it.effect("search and RAG have their own per-user limits: 429 with Retry-After past them, others unaffected", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const [ann, bob] = [yield* signIn("ann"), yield* signIn("bob")]
      const search = (token: string) => request(server.url("/api/v1/memories/search"), { method: "POST", token, json: { query: "anything" } })
      const ask = (token: string) => request(server.url("/api/v1/memories/rag"), { method: "POST", token, json: { question: "what is due?" } })
      for (let i = 0; i < 3; i++) expect((yield* search(ann.token)).status).toBe(200)
      const refused = yield* search(ann.token)
      expect(refused.status).toBe(429)
      expect(refused.body.code).toBe("rate_limited")
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
      expect((yield* search(bob.token)).status).toBe(200)
      // Questions count apart from searches.
      for (let i = 0; i < 2; i++) expect((yield* ask(ann.token)).status).toBe(200)
      const tooMany = yield* ask(ann.token)
      expect(tooMany.status).toBe(429)
      expect(tooMany.headers.get("retry-after")).not.toBeNull()
      // Cheap reads are not held by it.
      expect((yield* request(server.url("/api/v1/memories?limit=20"), { token: ann.token })).status).toBe(200)
    }))

  it.effect("a user holds at most 2 queued jobs: a third (an import) is refused with 429, stores nothing and queues nothing", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const ann = yield* signIn("ann")
      const call = (method: string, p: string, json?: unknown) =>
        request(server.url(p), { method, token: ann.token, ...(json !== undefined ? { json } : {}) })
      const importRecords = () =>
        request(server.url("/api/v1/memories/import"), {
          method: "POST",
          token: ann.token,
          headers: { "content-type": "application/x-ndjson" },
          body: Array.from({ length: 200 }, (_, i) => JSON.stringify({ content: `record ${i} ${"words ".repeat(150)}` })).join("\n")
        })
      expect((yield* call("POST", "/api/v1/memories/export", { format: "jsonl" })).status).toBe(202)
      expect((yield* call("POST", "/api/v1/memories/reindex")).status).toBe(202)

      const refused = yield* importRecords()
      expect(refused.status).toBe(429)
      expect(refused.body.code).toBe("too_many_active_jobs")
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
      for (const p of ["/api/v1/memories/deduplicate", "/api/v1/memories/export"]) {
        expect((yield* call("POST", p, {})).status).toBe(429)
      }
      const jobs = (yield* call("GET", "/api/v1/jobs?limit=100")).body.items as Array<{ id: string; type: string }>
      expect(jobs.map((j) => j.type).sort()).toEqual(["memory.export", "memory.reindex"])
      // The refused upload was never written.
      expect(fs.existsSync(path.join(TEST_ENV.FILES_DIR!, "imports", ann.userId))).toBe(false)

      // A finished (here: cancelled) job frees its place.
      expect((yield* call("DELETE", `/api/v1/jobs/${jobs[0]!.id}`)).status).toBe(200)
      expect((yield* importRecords()).status).toBe(202)
    }))

  it.effect("job starts have an hourly per-user limit (4 here), counted only for starts the cap let through", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const ann = yield* signIn("ann")
      const start = () => request(server.url("/api/v1/memories/export"), { method: "POST", token: ann.token, json: { format: "json" } })
      const cancel = (id: string) => request(server.url(`/api/v1/jobs/${id}`), { method: "DELETE", token: ann.token })
      const first = yield* start()
      const second = yield* start()
      // Refused by the cap: not counted against the hour.
      expect((yield* start()).body.code).toBe("too_many_active_jobs")
      for (const job of [first, second]) yield* cancel(job.body.job_id)
      for (let i = 0; i < 2; i++) {
        const started = yield* start()
        expect(started.status).toBe(202)
        yield* cancel(started.body.job_id)
      }
      const refused = yield* start()
      expect(refused.status).toBe(429)
      expect(refused.body.code).toBe("rate_limited")
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
    }))
})
