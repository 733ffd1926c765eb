import { expect, layer } from "@effect/vitest"
import { HttpServerRequest } from "effect/http"
import { Context, Effect, Layer } from "effect"
import { CurrentTransformer } from "effect/sql/Statement"
import { request, signedIn, TestServer, TestServerLive } from "../support/http.js"

// Every SQL statement that a request's own fibers run (background batches, pollers and workers run
// on fibers with no request, and are not counted), by its text.
const statements: Array<string> = []
const Counting = Layer.succeed(CurrentTransformer, (statement, _sql, fiber) =>
  Effect.sync(() => {
    if (Context.getOption(fiber.context, HttpServerRequest.HttpServerRequest)._tag === "Some") statements.push(statement.compile()[0])
    return statement
  }))

const statementsOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    statements.length = 0
    const result = yield* effect
    return { result, statements: [...statements] }
  })

const isWrite = (text: string) => /^\s*(WITH[\s\S]*)?(INSERT|UPDATE|DELETE)\b/i.test(text) || /\b(INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/i.test(text)

layer(TestServerLive().pipe(Layer.provide(Counting)), { timeout: "60 seconds", excludeTestServices: true })("HTTP: the cost of an authenticated read", (it) => {
  it.effect("GET /auth/me by access token or API key: one SQL statement in all (authentication reads the user it shows), no write", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const access_token = yield* signedIn("reads")
      const created = yield* request(server.url("/api/v1/auth/api-keys"), { method: "POST", token: access_token, json: { name: "k", scopes: ["projects:read"] } })
      expect(created.status).toBe(201)
      for (const [name, token] of [["access token", access_token], ["API key", created.body.key as string]] as const) {
        // The first use of a key records its last use (in the background too); count the ones after it.
        yield* request(server.url("/api/v1/auth/me"), { token })
        const counted = yield* statementsOf(request(server.url("/api/v1/auth/me"), { token }))
        expect(counted.result.status).toBe(200)
        console.log(`GET /auth/me by ${name}: ${counted.statements.length} SQL statement(s)\n  ${counted.statements.map((s) => s.replace(/\s+/g, " ")).join("\n  ")}`)
        expect(counted.statements.filter(isWrite)).toEqual([])
        // Authentication (the session or key joined with its user); the handler shows that user.
        expect(counted.statements).toHaveLength(1)
        expect(counted.statements[0]).toMatch(/JOIN users/)
      }
    }))

  it.effect("GET /projects/{id}/tasks: authentication, the project with the caller's membership, the page: three statements, no write", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const access_token = yield* signedIn("task-reads")
      const project = yield* request(server.url("/api/v1/projects"), { method: "POST", token: access_token, json: { name: "Counted" } })
      expect(project.status).toBe(201)
      const tasks = server.url(`/api/v1/projects/${project.body.id}/tasks?limit=50`)
      for (const title of ["one", "two"]) {
        expect((yield* request(tasks, { method: "POST", token: access_token, json: { title } })).status).toBe(201)
      }
      yield* request(tasks, { token: access_token })
      const counted = yield* statementsOf(request(tasks, { token: access_token }))
      expect(counted.result.status).toBe(200)
      expect(counted.result.body.items).toHaveLength(2)
      console.log(`GET /projects/{id}/tasks: ${counted.statements.length} SQL statement(s)\n  ${counted.statements.map((s) => s.replace(/\s+/g, " ").slice(0, 160)).join("\n  ")}`)
      expect(counted.statements.filter(isWrite)).toEqual([])
      expect(counted.statements).toHaveLength(3)
      expect(counted.statements[1]).toMatch(/FROM project_members m JOIN projects p/)
    }))
})
