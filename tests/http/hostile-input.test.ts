import { createHash } from "node:crypto"
import { expect, layer } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { MAIL_ENV, register, request, signedIn, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"
import { approvedProduct, verifiedUser } from "../support/marketplace-http.js"

const password = "correct horse battery staple"

const signIn = (name: string) => signedIn(name, password)

const base64url = (json: string) => Buffer.from(json).toString("base64url")

/** The crafted cursors that answered 500 on 15 of 16 lists (issue 13), and a few more of the kind. */
const CRAFTED_CURSORS = [
  base64url(`{"at":0,"id":"x"}`),
  base64url(`{"at":1e400,"id":"0190c6a0-0000-7000-8000-000000000000"}`),
  base64url(`{"at":-1e20,"id":"0190c6a0-0000-7000-8000-000000000000"}`),
  base64url(`{"k":1e400,"id":"x","s":"position"}`),
  base64url(`[]`),
  "not a cursor"
]

/** JSON text nested `depth` levels deep, in arrays (the cheapest nesting per byte). */
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`

// The real server on the embedded profile, https links (so HSTS is on), and an admin for the marketplace.
layer(TestServerLive(MAIL_ENV), { timeout: "120 seconds", excludeTestServices: true })("HTTP: hostile input never gives a 5xx", (it) => {
  it.effect("NUL in any string is refused with 422 naming the field, and nothing is stored", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const token = yield* signIn("nul")
      const call = (method: string, path: string, json?: unknown) =>
        request(server.url(`/api/v1${path}`), { method, token, ...(json !== undefined ? { json } : {}) })
      const project = (yield* call("POST", "/projects", { name: "Clean" })).body
      const task = (yield* call("POST", `/projects/${project.id}/tasks`, { title: "Clean task" })).body

      const refusals: Array<[string, string, unknown, string, string?]> = [
        ["POST", "/auth/register", { email: "a\u0000@example.com", password, name: "N" }, "email"],
        ["POST", "/auth/register", { email: uniqueEmail("n"), password: `${password}\u0000`, name: "N" }, "password"],
        ["POST", "/auth/register", { email: uniqueEmail("n"), password, name: "N\u0000" }, "name"],
        ["POST", "/auth/login", { email: "a\u0000@example.com", password }, "email"],
        ["POST", "/auth/forgot-password", { email: "a\u0000@example.com" }, "email"],
        ["POST", "/memories", { content: "hello\u0000world" }, "content"],
        ["POST", "/memories", { content: "tagged", tags: ["ok", "t\u0000"] }, "tags.1"],
        ["POST", "/memories", { content: "meta", metadata: { note: "a\u0000" } }, "metadata.note"],
        ["POST", "/memories", { content: "meta key", metadata: { "k\u0000": 1 } }, "metadata", "keys must not contain the NUL character (U+0000)"],
        ["POST", "/projects", { name: "P\u0000" }, "name"],
        ["PATCH", `/projects/${project.id}`, { description: "d\u0000" }, "description"],
        ["POST", `/projects/${project.id}/tasks`, { title: "T\u0000" }, "title"],
        ["PATCH", `/projects/${project.id}/tasks/${task.id}`, { description: "\u0000" }, "description"]
      ]
      for (const [method, path, json, field, message = "must not contain the NUL character (U+0000)"] of refusals) {
        const response = yield* request(server.url(`/api/v1${path}`), { method, token, json })
        expect({ path, field, status: response.status }).toEqual({ path, field, status: 422 })
        expect(response.body.errors).toEqual([{ path: field, message }])
        expect(response.body.detail).toContain(field)
      }
      for (const path of ["/memories?q=a%00b", "/marketplace/products?q=%00", "/projects?q=x%00", "/memories?tag=%00"]) {
        const response = yield* call("GET", path)
        expect({ path, status: response.status }).toEqual({ path, status: 422 })
        expect(response.body.detail).toContain("NUL")
      }
      expect((yield* call("GET", "/memories")).body.items).toEqual([])
      expect((yield* call("GET", "/projects")).body.items.map((p: any) => p.name)).toEqual(["Clean"])
      expect((yield* call("GET", `/projects/${project.id}/tasks/${task.id}`)).body.description).not.toContain("\u0000")
    }))

  it.effect("unpaired surrogates are refused with 422 naming the field; a refused API key is not stored", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const token = yield* signIn("surrogate")
      const call = (method: string, path: string, json?: unknown) =>
        request(server.url(`/api/v1${path}`), { method, token, ...(json !== undefined ? { json } : {}) })
      const project = (yield* call("POST", "/projects", { name: "Surrogates" })).body
      const task = (yield* call("POST", `/projects/${project.id}/tasks`, { title: "Task" })).body
      const refusals: Array<[string, string, unknown, string]> = [
        ["POST", "/memories", { content: "meta", metadata: { note: "\ud800" } }, "metadata.note"],
        ["POST", "/memories", { content: "\udfff then text" }, "content"],
        ["POST", "/projects", { name: "x\ud800y" }, "name"],
        ["POST", `/projects/${project.id}/tasks`, { title: "\udbff" }, "title"],
        ["POST", `/projects/${project.id}/tasks/${task.id}/comments`, { body: "hi \ud800" }, "body"],
        ["POST", "/auth/api-keys", { name: "\ud800", scopes: ["memories:read"] }, "name"]
      ]
      for (const [method, path, json, field] of refusals) {
        const response = yield* call(method, path, json)
        expect({ path, field, status: response.status }).toEqual({ path, field, status: 422 })
        expect(response.body.errors).toEqual([{ path: field, message: "must not contain an unpaired UTF-16 surrogate (U+D800–U+DFFF)" }])
      }
      expect((yield* call("GET", "/auth/api-keys")).body.items).toEqual([])
      // A surrogate pair (an emoji) is ordinary text.
      const emoji = yield* call("POST", "/memories", { content: "party 🎉", metadata: { mood: "😀" } })
      expect(emoji.status).toBe(201)
      expect(emoji.body.content).toBe("party 🎉")
    }))

  it.effect("crafted cursors answer 400 invalid_cursor on every list", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const token = yield* signIn("cursor")
      const seller = yield* verifiedUser("cursor-seller")
      const productId = yield* approvedProduct(seller)
      const call = (path: string) => request(server.url(`/api/v1${path}`), { token })
      const project = (yield* request(server.url("/api/v1/projects"), { method: "POST", token, json: { name: "Lists" } })).body
      const task = (yield* request(server.url(`/api/v1/projects/${project.id}/tasks`), { method: "POST", token, json: { title: "T" } })).body
      const ids = { project: project.id as string, task: task.id as string, product: productId }
      // Every list of the OpenAPI document that takes a cursor, its path parameters filled in.
      const document = (yield* request(server.url("/openapi.json"))).body
      const lists = Object.entries(document.paths as Record<string, any>)
        .filter(([, item]) => item.get?.parameters?.some((p: any) => p.name === "cursor" && p.in === "query"))
        .map(([path]) =>
          path.replace("/api/v1", "")
            .replace(/^\/projects\/\{id\}/, `/projects/${ids.project}`)
            .replace("{task_id}", ids.task)
            .replace(/^\/marketplace\/products\/\{id\}/, `/marketplace/products/${ids.product}`)
        )
      expect(lists.length).toBeGreaterThanOrEqual(16)
      expect(lists.filter((path) => path.includes("{"))).toEqual([])
      const answers = []
      for (const path of lists) {
        for (const cursor of CRAFTED_CURSORS) {
          const response = yield* call(`${path}?cursor=${encodeURIComponent(cursor)}`)
          // The admin lists answer 403 to a user before they read the cursor; every other list reads it.
          if (response.status !== 403) answers.push({ path, cursor, status: response.status, code: response.body.code })
        }
      }
      expect(answers.filter((a) => a.status !== 400 || a.code !== "invalid_cursor")).toEqual([])
      expect(answers.length).toBeGreaterThanOrEqual(14 * CRAFTED_CURSORS.length)
    }))

  it.effect("JSON nested 5,000 deep is refused with 422, and the server stays up", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const token = yield* signIn("deep")
      // Written by hand: JSON.stringify itself overflows the stack on such a value.
      const body = `{"content":"deep","metadata":{"k":${nested(5000)}}}`
      const deep = yield* request(server.url("/api/v1/memories"), { method: "POST", token, body, headers: { "content-type": "application/json" } })
      expect(deep.status).toBe(422)
      expect(deep.body.errors[0].message).toBe("must not nest deeper than 32 levels")
      expect(deep.body.errors[0].path).toMatch(/^metadata\.k(\.0)*$/)
      const fine = yield* request(server.url("/api/v1/memories"), { method: "POST", token, json: { content: "shallow", metadata: { k: JSON.parse(nested(5)) } } })
      expect(fine.status).toBe(201)
      expect((yield* request(server.url("/health"))).status).toBe(200)
    }))

  it.effect("timestamps outside the years 0001–9999 are a 422 naming the field", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const token = yield* signIn("timestamps")
      const answers: Array<{ at: string; field: string; status: number; paths: unknown }> = []
      for (const at of ["-271821-04-20T00:00:00.000Z", "+275760-09-13T00:00:00.000Z", "0000-12-31T23:59:59Z"]) {
        for (const field of ["created_from", "created_to"]) {
          const response = yield* request(server.url(`/api/v1/memories?${field}=${encodeURIComponent(at)}`), { token })
          answers.push({ at, field, status: response.status, paths: response.body.errors?.map((e: any) => e.path) })
        }
        const key = yield* request(server.url("/api/v1/auth/api-keys"), { method: "POST", token, json: { name: "k", scopes: ["memories:read"], expires_at: at } })
        answers.push({ at, field: "expires_at", status: key.status, paths: key.body.errors?.map((e: any) => e.path) })
      }
      expect(answers.filter((a) => a.status !== 422 || JSON.stringify(a.paths) !== JSON.stringify([a.field]))).toEqual([])
      const fine = yield* request(server.url("/api/v1/memories?created_from=2020-01-01T00:00:00Z&created_to=9999-12-31T23:59:59Z"), { token })
      expect(fine.status).toBe(200)
    }))

  it.effect("JSON endpoints take only application/json: a form body is 415 and creates nothing", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const token = yield* signIn("form")
      for (const [body, type] of [["content=from+a+form", "application/x-www-form-urlencoded"], ["{\"content\":\"plain\"}", "text/plain"]] as const) {
        const response = yield* request(server.url("/api/v1/memories"), { method: "POST", token, body, headers: { "content-type": type } })
        expect(response.status).toBe(415)
        expect(response.body).toEqual({ detail: "This endpoint takes an application/json body", code: "unsupported_media_type" })
      }
      const form = new FormData()
      form.set("content", "multipart")
      expect((yield* request(server.url("/api/v1/memories"), { method: "POST", token, body: form })).status).toBe(415)
      expect((yield* request(server.url("/api/v1/memories"), { token })).body.items).toEqual([])
      // A charset parameter or a +json type is still JSON.
      const charset = yield* request(server.url("/api/v1/memories"), {
        method: "POST",
        token,
        body: JSON.stringify({ content: "with charset" }),
        headers: { "content-type": "application/json; charset=utf-8" }
      })
      expect(charset.status).toBe(201)
    }))

  it.effect("an import record with NUL is reported as a bad line and skipped; the others import", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const token = yield* signIn("import-nul")
      const lines = [
        JSON.stringify({ content: "First good record." }),
        JSON.stringify({ content: "bad\u0000record" }),
        JSON.stringify({ content: "Third good record.", metadata: { "\ud800": "x" } }),
        JSON.stringify({ content: "Fourth good record." })
      ].join("\n")
      const accepted = yield* request(server.url("/api/v1/memories/import"), { method: "POST", token, body: lines, headers: { "content-type": "application/x-ndjson" } })
      expect(accepted.status).toBe(202)
      const job = yield* request(server.url(`/api/v1/jobs/${accepted.body.job_id}`), { token }).pipe(
        Effect.filterOrFail((r) => ["succeeded", "failed", "cancelled"].includes(r.body.status)),
        Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo({ duration: "60 seconds" }))),
        Effect.map((r) => r.body)
      )
      expect(job).toMatchObject({ status: "succeeded", attempts: 1, result: { total: 4, imported: 2, duplicates: 0, invalid: 2 } })
      expect(job.errors).toEqual([
        { line: 2, message: "invalid record: content: must not contain the NUL character (U+0000)" },
        { line: 3, message: "invalid record: metadata: keys must not contain an unpaired UTF-16 surrogate (U+D800–U+DFFF)" }
      ])
    }))

  it.effect("security headers: nosniff, no referrer, CSP, HSTS over https, no-store on API responses", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("headers")
      yield* register(email, password)
      const login = yield* request(server.url("/api/v1/auth/login"), { method: "POST", json: { email, password } })
      const notFound = yield* request(server.url("/nowhere"))
      const health = yield* request(server.url("/health"))
      for (const response of [login, notFound, health]) {
        expect(response.headers.get("x-content-type-options")).toBe("nosniff")
        expect(response.headers.get("referrer-policy")).toBe("no-referrer")
        expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains")
        expect(response.headers.get("content-security-policy")).toContain("default-src 'none'")
      }
      expect(login.headers.get("cache-control")).toBe("no-store")
      const keys = yield* request(server.url("/api/v1/auth/api-keys"), { method: "POST", token: login.body.access_token, json: { name: "ci", scopes: ["memories:read"] } })
      expect(keys.headers.get("cache-control")).toBe("no-store")
    }))

  it.effect("the docs page runs under its CSP: every inline script by hash, nothing from elsewhere", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const docs = yield* Effect.promise(() => fetch(server.url("/docs")).then(async (r) => ({ headers: r.headers, html: await r.text() })))
      const csp = docs.headers.get("content-security-policy")!
      const scripts = Array.from(docs.html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g))
      expect(scripts.length).toBe(2)
      for (const [, attributes, source] of scripts) {
        expect(attributes).toBe("")
        expect(csp).toContain(`'sha256-${createHash("sha256").update(source!).digest("base64")}'`)
      }
      expect(csp).toContain("connect-src 'self'")
      expect(csp).not.toContain("unsafe-eval")
      expect(docs.html).not.toMatch(/<(link|script)[^>]+(href|src)=/)
    }))
})

// Over plain http there is no HSTS (a browser would pin a host that cannot answer https).
layer(TestServerLive(), { timeout: "60 seconds", excludeTestServices: true })("HTTP: headers over http", (it) => {
  it.effect("no HSTS when PUBLIC_BASE_URL is not https", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const health = yield* request(server.url("/health"))
      expect(health.headers.get("strict-transport-security")).toBeNull()
      expect(health.headers.get("x-content-type-options")).toBe("nosniff")
    }))
})
