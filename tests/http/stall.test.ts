import { expect, layer } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import { LocalEmbedderPool } from "../../adapters/embeddings/local-use.js"
import { AppServicesLive } from "../../bootstrap/layers.js"
import { resolveSecrets } from "../../bootstrap/secrets.js"
import { loginAs, register, request, TestServer, TestServerOver, testConfig, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"
const SLOW_WORKER = new URL("../support/slow-embed-worker.mjs", import.meta.url)

/**
 * The real HTTP adapter and services, with the embedding pool running a deliberately slow worker
 * (one thread, a queue of 4 texts): a text "block:<ms>" holds the worker as a long memory holds the model.
 */
const SlowEmbeddingServer = Layer.unwrap(
  Effect.gen(function*() {
    const config = yield* testConfig()
    const secrets = yield* resolveSecrets(config)
    return TestServerOver(Layer.merge(AppServicesLive(config, secrets), LocalEmbedderPool({ workers: 1, queueLimit: 4, script: SLOW_WORKER })))
  })
)

layer(SlowEmbeddingServer, { timeout: "60 seconds", excludeTestServices: true })("HTTP: one request does not stall the others", (it) => {
  it.effect("GET /health, a login and a read answer while a long embedding is in flight", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("stall")
      yield* register(email, password)
      const { access_token: token } = yield* loginAs(email, password)
      const order: Array<string> = []
      const note = <A, E, R>(name: string, effect: Effect.Effect<A, E, R>) => Effect.tap(effect, () => Effect.sync(() => order.push(name)))
      // Held by its embedding for 3 s (in-thread, /health waited the whole time: 28.6 s in the issue).
      const write = yield* Effect.forkChild(note("write", request(server.url("/api/v1/memories"), { method: "POST", token, json: { content: "block:3000" } })))
      yield* Effect.sleep("300 millis")
      const health = yield* note("health", request(server.url("/health")))
      const login = yield* note("login", request(server.url("/api/v1/auth/login"), { method: "POST", json: { email, password } }))
      const read = yield* note("read", request(server.url("/api/v1/memories?limit=20"), { token }))
      expect([health.status, login.status, read.status]).toEqual([200, 200, 200])
      expect((yield* Fiber.join(write)).status).toBe(201)
      expect(order).toEqual(["health", "login", "read", "write"])
    }))

  it.effect("a full embedding queue answers 503 embedder_busy with Retry-After, and stores nothing", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("busy")
      yield* register(email, password)
      const { access_token: token } = yield* loginAs(email, password)
      const create = (content: string) => request(server.url("/api/v1/memories"), { method: "POST", token, json: { content } })
      const running = yield* Effect.forkChild(create("block:1500"))
      yield* Effect.sleep("300 millis")
      // The worker is busy; this one waits in the queue (4 texts at most)...
      const waiting = yield* Effect.forkChild(create("waiting"))
      yield* Effect.sleep("300 millis")
      // ...and a memory of five chunks would pass the bound.
      const refused = yield* create(Array.from({ length: 5 }, (_, i) => `Sentence number ${i} ${"x".repeat(700)}.`).join("\n"))
      expect(refused.status).toBe(503)
      expect(refused.body.code).toBe("embedder_busy")
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
      expect((yield* Fiber.join(running)).status).toBe(201)
      expect((yield* Fiber.join(waiting)).status).toBe(201)
      const list = yield* request(server.url("/api/v1/memories?limit=20"), { token })
      expect((list.body.items as Array<{ content: string }>).map((m) => m.content).sort()).toEqual(["block:1500", "waiting"])
    }))
})
