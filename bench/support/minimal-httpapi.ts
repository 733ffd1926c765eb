// The framework's ceiling for GET /health here and now (issue 14): a minimal Effect 4 HttpApi server
// with BrainOps's health endpoint and schema, no middleware, the platform's logger off, nothing else.
// bench/http.ts runs it as the system "minimal" (health only), interleaved with the others.
// Prints "listening <port>" on stdout once it listens.
import { createServer } from "node:http"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"

const Api = HttpApi.make("minimal").add(
  HttpApiGroup.make("system", { topLevel: true }).add(
    HttpApiEndpoint.get("health", "/health", { success: Schema.Struct({ status: Schema.Literal("ok") }) })
  )
)

const SystemLive = HttpApiBuilder.group(Api, "system", (handlers) => handlers.handle("health", () => Effect.succeed({ status: "ok" as const })))

const ServerLive = HttpRouter.serve(HttpApiBuilder.layer(Api).pipe(Layer.provide(SystemLive)), { disableLogger: true, disableListenLog: true }).pipe(
  Layer.provideMerge(NodeHttpServer.layer(createServer, { host: process.env["HOST"] ?? "127.0.0.1", port: Number(process.env["PORT"] ?? 0) }))
)

Effect.gen(function*() {
  const { address } = yield* HttpServer.HttpServer
  if (address._tag !== "UnixPathAddress") yield* Effect.sync(() => console.log(`listening ${address.port}`))
  return yield* Effect.never
}).pipe(Effect.provide(ServerLive), NodeRuntime.runMain)
