import * as path from "node:path"
import { inject } from "vitest"
import { HttpServer } from "effect/http"
import { ConfigProvider, Context, Effect, Layer, Logger, Schedule } from "effect"
import { HttpFor, ServerLive } from "../../bootstrap/app.js"
import { AppConfig } from "../../bootstrap/config.js"
import { resolveSecrets } from "../../bootstrap/secrets.js"
import { migratedMemoryDataDir } from "./databases.js"

export const TEST_JWT_SECRET = "http-test-signing-key-0123456789abcdef"

export const TEST_ENV: Record<string, string> = {
  HOST: "127.0.0.1",
  PORT: "0",
  BRAINOPS_DATA_DIR: migratedMemoryDataDir(),
  JWT_SECRET: TEST_JWT_SECRET,
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  MAX_BODY_BYTES: "16384",
  CORS_ORIGINS: "https://app.example.com",
  // Every test request comes from 127.0.0.1: per-address limits high, except where a test sets them.
  RATE_LIMIT_LOGIN_PER_MINUTE: "10000",
  RATE_LIMIT_REGISTER_PER_HOUR: "10000",
  RATE_LIMIT_API_PER_MINUTE: "10000",
  RATE_LIMIT_SEARCH_PER_MINUTE: "10000",
  RATE_LIMIT_RAG_PER_MINUTE: "10000",
  RATE_LIMIT_JOBS_PER_HOUR: "10000",
  JOBS_MAX_ACTIVE_PER_USER: "10000",
  // Uploads and exports of HTTP tests go to a temporary folder of this run.
  FILES_DIR: path.join(inject("testScratch"), `files-${process.pid}`),
  JOB_POLL_INTERVAL: "100 millis",
  // One embedding worker a test server: two cores are shared by every test process.
  EMBEDDING_WORKERS: "1"
}

export class TestServer extends Context.Service<TestServer, {
  readonly url: (path: string) => string
  /** JSON log lines the server wrote, oldest first. */
  readonly logs: ReadonlyArray<string>
}>()("TestServer") {}

export const testConfig = (env: Record<string, string> = {}) => AppConfig.parse(ConfigProvider.fromEnvRecord({ ...TEST_ENV, ...env }))

/** The server's log lines, JSON as production writes them (Logger.formatJson), kept instead of printed. */
const capture = (lines: Array<string>) => Logger.layer([Logger.map(Logger.formatJson, (line) => {
  lines.push(line)
})])

const exposeUrl = (lines: ReadonlyArray<string>) =>
  Layer.effect(
    TestServer,
    Effect.map(HttpServer.HttpServer, (server) => {
      const address = server.address
      if (address._tag === "UnixPathAddress") throw new Error("expected a TCP address")
      return { url: (path: string) => `http://127.0.0.1:${address.port}${path}`, logs: lines }
    })
  )

/**
 * The real server, as `npm start` builds it, on an in-memory PGlite and an ephemeral port: every HTTP
 * test goes through the same layers, middleware and error mapping as production.
 */
export const TestServerLive = (env: Record<string, string> = {}) =>
  Layer.unwrap(
    Effect.gen(function*() {
      const config = yield* testConfig(env)
      const secrets = yield* resolveSecrets(config)
      const lines: Array<string> = []
      return exposeUrl(lines).pipe(Layer.provide(ServerLive(config, secrets)), Layer.provide(capture(lines)))
    })
  )

/** The real HTTP adapter over services a test chooses (to make a dependency fail on purpose). */
export const TestServerOver = <E>(services: Layer.Layer<any, E>) =>
  Layer.unwrap(
    Effect.gen(function*() {
      const config = yield* testConfig()
      const lines: Array<string> = []
      return exposeUrl(lines).pipe(Layer.provide(HttpFor(config, services)), Layer.provide(capture(lines)))
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

export const ADMIN = { email: "root@example.com", password: "root admin password" }

/** Server settings for flows that read mail: an admin to read the outbox, and a quick dispatcher. */
export const MAIL_ENV = {
  BRAINOPS_ADMIN_EMAIL: ADMIN.email,
  BRAINOPS_ADMIN_PASSWORD: ADMIN.password,
  MAIL_POLL_INTERVAL: "50 millis",
  PUBLIC_BASE_URL: "https://app.example.com/"
}

export const loginAs = (email: string, password: string) =>
  Effect.gen(function*() {
    const server = yield* TestServer
    const response = yield* request(server.url("/api/v1/auth/login"), { method: "POST", json: { email, password } })
    if (response.status !== 200) return yield* Effect.die(new Error(`login of ${email} answered ${response.status}`))
    return response.body as { access_token: string; refresh_token: string }
  })

/** The newest delivered mail to an address whose subject matches, read from the admin outbox. */
export const lastMailTo = (to: string, subject?: string) =>
  Effect.gen(function*() {
    const server = yield* TestServer
    const { access_token } = yield* loginAs(ADMIN.email, ADMIN.password)
    return yield* request(server.url("/api/v1/admin/outbox?limit=100"), { token: access_token }).pipe(
      Effect.map((r) =>
        (r.body.items as Array<any>).find((m) => m.to === to && m.status === "sent" && (subject === undefined || m.subject === subject))
      ),
      Effect.filterOrFail((mail) => mail !== undefined),
      Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo({ duration: "10 seconds" })))
    )
  })

export const linkToken = (text: string) => decodeURIComponent(/\?token=([^\s]+)/.exec(text)?.[1] ?? "")

export const register = (email: string, password: string, name = "Test") =>
  Effect.flatMap(TestServer, (server) =>
    request(server.url("/api/v1/auth/register"), { method: "POST", json: { email, password, name } }))

export const uniqueEmail = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@example.com`

/** A new user, registered and signed in: its access token. */
export const signedIn = (name: string, password = "correct horse battery staple") =>
  Effect.gen(function*() {
    const email = uniqueEmail(name)
    yield* register(email, password)
    return (yield* loginAs(email, password)).access_token
  })
