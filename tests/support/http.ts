import { HttpServer } from "@effect/platform"
import { ConfigProvider, Context, Effect, Layer, Logger } from "effect"
import { HttpFor, ServerLive } from "../../bootstrap/app.js"
import { AppConfig } from "../../bootstrap/config.js"
import { resolveSecrets } from "../../bootstrap/secrets.js"

export const TEST_JWT_SECRET = "http-test-signing-key-0123456789abcdef"

export const TEST_ENV: Record<string, string> = {
  HOST: "127.0.0.1",
  PORT: "0",
  BRAINOPS_DATA_DIR: "memory://",
  JWT_SECRET: TEST_JWT_SECRET,
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  MAX_BODY_BYTES: "16384",
  CORS_ORIGINS: "https://app.example.com"
}

export class TestServer extends Context.Tag("TestServer")<TestServer, {
  readonly url: (path: string) => string
  /** JSON log lines the server wrote, oldest first. */
  readonly logs: ReadonlyArray<string>
}>() {}

export const testConfig = (env: Record<string, string> = {}) =>
  AppConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({ ...TEST_ENV, ...env })))))

const capture = (lines: Array<string>) => Logger.replace(Logger.defaultLogger, Logger.map(Logger.jsonLogger, (line) => {
  lines.push(line)
}))

const exposeUrl = (lines: ReadonlyArray<string>) =>
  Layer.effect(
    TestServer,
    Effect.map(HttpServer.HttpServer, (server) => {
      const address = server.address
      if (address._tag !== "TcpAddress") throw new Error("expected a TCP address")
      return { url: (path: string) => `http://127.0.0.1:${address.port}${path}`, logs: lines }
    })
  )

/**
 * The real server, as `npm start` builds it, on an in-memory PGlite and an ephemeral port: every HTTP
 * test goes through the same layers, middleware and error mapping as production.
 */
export const TestServerLive = (env: Record<string, string> = {}) =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const config = yield* testConfig(env)
      const secrets = yield* resolveSecrets(config)
      const lines: Array<string> = []
      return exposeUrl(lines).pipe(Layer.provide(ServerLive(config, secrets)), Layer.provide(capture(lines)))
    })
  )

/** The real HTTP adapter over services a test chooses (to make a dependency fail on purpose). */
export const TestServerOver = <E>(services: Layer.Layer<any, E>) =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const config = yield* testConfig()
      const lines: Array<string> = []
      return exposeUrl(lines).pipe(Layer.provide(HttpFor(config)), Layer.provide(services), Layer.provide(capture(lines)))
    })
  )

export interface JsonResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: any
}

export const request = (url: string, init: RequestInit & { json?: unknown; token?: string } = {}) =>
  Effect.promise(async (): Promise<JsonResponse> => {
    const headers = new Headers(init.headers)
    if (init.json !== undefined) headers.set("content-type", "application/json")
    if (init.token !== undefined) headers.set("authorization", `Bearer ${init.token}`)
    const response = await fetch(url, {
      ...init,
      headers,
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {})
    })
    const text = await response.text()
    let body: unknown = text
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body }
  })
