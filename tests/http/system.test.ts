import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { StorageUnavailable } from "../../application/ports/errors.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { IdentityTestLayer } from "../support/identity-layer.js"
import { ReadinessMemory } from "../../adapters/in-memory/readiness.memory.js"
import { request, TestServer, TestServerLive, TestServerOver } from "../support/http.js"

layer(TestServerLive(), { timeout: "60 seconds", excludeTestServices: true })("HTTP: system endpoints", (it) => {
  it.effect("GET /health and /ready answer, with every migration applied", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      expect(yield* request(server.url("/health"))).toMatchObject({ status: 200, body: { status: "ok" } })
      const ready = yield* request(server.url("/ready"))
      expect(ready.status).toBe(200)
      expect(ready.body.status).toBe("ready")
      expect(ready.body.migrations.applied).toBe(ready.body.migrations.expected)
      expect(ready.body.migrations.expected).toBeGreaterThanOrEqual(1)
    }))

  it.effect("serves the OpenAPI document generated from the handlers' schemas, and the docs page", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const spec = (yield* request(server.url("/openapi.json"))).body
      expect(spec.openapi).toMatch(/^3\./)
      for (const path of ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/me", "/health", "/ready"]) {
        expect(spec.paths).toHaveProperty([path])
      }
      const register = spec.paths["/api/v1/auth/register"].post
      expect(Object.keys(register.responses).sort()).toEqual(["201", "409", "422", "429", "503"])
      expect(JSON.stringify(spec)).not.toContain("HttpApiDecodeError")
      expect(spec.paths["/api/v1/auth/me"].get.security).toEqual([{ bearer: [] }, { apiKey: [] }])
      for (const path of [
        "/api/v1/marketplace/webhooks/stripe",
        "/api/v1/marketplace/admin/orders/{id}/refund",
        "/api/v1/marketplace/products/{id}/reviews",
        "/api/v1/marketplace/licenses/activate",
        "/api/v1/marketplace/seller/dashboard"
      ]) {
        expect(spec.paths).toHaveProperty([path])
      }
      // Stripe signs its calls; it sends no bearer token.
      expect(spec.paths["/api/v1/marketplace/webhooks/stripe"].post.security ?? []).toEqual([])
      const docs = yield* request(server.url("/docs"))
      expect(docs.status).toBe(200)
      expect(docs.headers.get("content-type")).toContain("text/html")
    }))

  it.effect("puts an X-Request-Id on every response, keeping a sane one the caller sent", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      for (const path of ["/health", "/nowhere", "/api/v1/auth/me"]) {
        const response = yield* request(server.url(path))
        expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
      }
      const kept = yield* request(server.url("/health"), { headers: { "x-request-id": "trace-abc.123" } })
      expect(kept.headers.get("x-request-id")).toBe("trace-abc.123")
      const replaced = yield* request(server.url("/health"), { headers: { "x-request-id": "bad id\twith spaces" } })
      expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
    }))

  it.effect("writes one JSON access-log line per request, with its request id", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      yield* request(server.url("/health"), { headers: { "x-request-id": "log-check-1" } })
      const line = server.logs.map((l) => JSON.parse(l)).find((l) => l.annotations?.request_id === "log-check-1")
      expect(line).toMatchObject({
        message: "request",
        level: "INFO",
        annotations: { method: "GET", path: "/health", status: 200 }
      })
      expect(typeof line.annotations.duration_ms).toBe("number")
    }))

  it.effect("answers CORS preflights for configured origins only", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const preflight = (origin: string) =>
        request(server.url("/api/v1/auth/login"), {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" }
        })
      const allowed = yield* preflight("https://app.example.com")
      expect(allowed.status).toBeLessThan(300)
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com")
      const other = yield* preflight("https://evil.example.com")
      // The browser compares this header with its origin: any value but its own blocks the call.
      expect(other.headers.get("access-control-allow-origin")).not.toBe("https://evil.example.com")
      // Optimistic concurrency from another origin: If-Match may be sent and the ETag read.
      expect(allowed.headers.get("access-control-allow-headers")).toContain("if-match")
      const health = yield* request(server.url("/health"), { headers: { origin: "https://app.example.com" } })
      expect(health.headers.get("access-control-expose-headers")).toContain("etag")
    }))
})

/** The real HTTP adapter over services that fail, to see what a caller gets when they do. */
const failingUsers = (fail: Effect.Effect<never, StorageUnavailable>) =>
  Layer.mergeAll(
    Layer.succeed(UserRepository, {
      insert: () => fail,
      findById: () => fail,
      findByEmail: () => fail,
      setRole: () => fail,
      setPasswordHash: () => fail,
      markEmailVerified: () => fail
    }),
    ReadinessMemory
  ).pipe(Layer.provideMerge(IdentityTestLayer))

describe("HTTP: failing dependencies", () => {
  layer(TestServerOver(failingUsers(Effect.die(new Error("secret internal detail: relation \"users\" is broken")))), {
    excludeTestServices: true
  })("a defect", (it) => {
    it.effect("is a 500 with the request id and no internals, logged with its cause", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const response = yield* request(server.url("/api/v1/auth/login"), {
          method: "POST",
          json: { email: "ann@example.com", password: "whatever-password" },
          headers: { "x-request-id": "defect-1" }
        })
        expect(response.status).toBe(500)
        expect(response.body).toEqual({ detail: "Internal server error", code: "internal_error", request_id: "defect-1" })
        const logged = server.logs.map((l) => JSON.parse(l)).find((l) => l.message === "unhandled error")
        expect(logged.annotations.request_id).toBe("defect-1")
        expect(logged.cause).toContain("secret internal detail")
      }))
  })

  layer(TestServerOver(failingUsers(Effect.fail(new StorageUnavailable({ message: "connection refused" })))), {
    excludeTestServices: true
  })("an unreachable database", (it) => {
    it.effect("is a 503 with a detail", () =>
      Effect.gen(function*() {
        const server = yield* TestServer
        const response = yield* request(server.url("/api/v1/auth/login"), {
          method: "POST",
          json: { email: "ann@example.com", password: "whatever-password" }
        })
        expect(response.status).toBe(503)
        expect(response.body.detail).toBe("The service is temporarily unavailable; retry later")
        expect(Option.fromNullishOr(response.headers.get("x-request-id"))._tag).toBe("Some")
      }))
  })
})
