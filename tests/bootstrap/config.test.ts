import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Option, Redacted } from "effect"
import { AppConfig } from "../../bootstrap/config.js"
import { resolveSecrets } from "../../bootstrap/secrets.js"
import { scratchDir } from "../support/scratch.js"

const parse = (env: Record<string, string>) => AppConfig.parse(ConfigProvider.fromEnvRecord(env))

const errorOf = (env: Record<string, string>) => Effect.map(Effect.flip(parse(env)), String)

describe("configuration", () => {
  it.effect("defaults to the embedded profile on 0.0.0.0:8000 with ./data", () =>
    Effect.gen(function*() {
      const config = yield* parse({})
      expect(config.host).toBe("0.0.0.0")
      expect(config.port).toBe(8000)
      expect(config.dataDir).toBe("./data")
      expect(Option.isNone(config.databaseUrl)).toBe(true)
      expect(Duration.toMinutes(config.accessTokenTtl)).toBe(15)
      expect(Duration.toDays(config.sessionTtl)).toBe(30)
      expect(config.corsOrigins).toEqual([])
      expect(config.maxBodyBytes).toBe(1024 * 1024)
    }))

  it.effect("reads every setting it is given", () =>
    Effect.gen(function*() {
      const config = yield* parse({
        HOST: "127.0.0.1",
        PORT: "9000",
        DATABASE_URL: "postgres://u@db:5432/brainops",
        DATABASE_POOL_SIZE: "25",
        ACCESS_TOKEN_TTL: "5 minutes",
        SESSION_TTL: "7 days",
        CORS_ORIGINS: "https://a.example, https://b.example",
        MAX_BODY_BYTES: "2048"
      })
      expect([config.host, config.port, config.databasePoolSize, config.maxBodyBytes]).toEqual(["127.0.0.1", 9000, 25, 2048])
      expect(Option.map(config.databaseUrl, Redacted.value)).toEqual(Option.some("postgres://u@db:5432/brainops"))
      expect(Duration.toMinutes(config.accessTokenTtl)).toBe(5)
      expect(Duration.toDays(config.sessionTtl)).toBe(7)
      expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example"])
    }))

  it.effect.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_POOL_SIZE: "0" }, "DATABASE_POOL_SIZE"],
    [{ ACCESS_TOKEN_TTL: "soon" }, "ACCESS_TOKEN_TTL"],
    [{ JWT_SECRET: "too-short" }, "JWT_SECRET"],
    [{ ENCRYPTION_KEY: "bm90IDMyIGJ5dGVz" }, "ENCRYPTION_KEY"],
    [{ DATABASE_URL: "mysql://root@localhost/x" }, "DATABASE_URL"],
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL"],
    [{ MAX_BODY_BYTES: "-1" }, "MAX_BODY_BYTES"],
    [{ BRAINOPS_ADMIN_EMAIL: "root@example.com" }, "BRAINOPS_ADMIN_PASSWORD"],
    [{ BRAINOPS_ADMIN_PASSWORD: "admin-password" }, "BRAINOPS_ADMIN_EMAIL"],
    [{ BRAINOPS_ADMIN_EMAIL: "not-an-email", BRAINOPS_ADMIN_PASSWORD: "admin-password" }, "BRAINOPS_ADMIN_EMAIL"],
    [{ PUBLIC_BASE_URL: "app.example.com" }, "PUBLIC_BASE_URL"],
    [{ MAIL_POLL_INTERVAL: "often" }, "MAIL_POLL_INTERVAL"],
    [{ RESET_TOKEN_TTL: "0 seconds" }, "RESET_TOKEN_TTL"],
    [{ RATE_LIMIT_API_PER_MINUTE: "0" }, "RATE_LIMIT_API_PER_MINUTE"],
    [{ LOCKOUT_THRESHOLD: "many" }, "LOCKOUT_THRESHOLD"],
    [{ ANSWERS_TIMEOUT: "0 seconds" }, "ANSWERS_TIMEOUT"],
    [{ ANSWERS_MAX_TOKENS: "0" }, "ANSWERS_MAX_TOKENS"],
    [{ VECTOR_INDEX: "faiss" }, "VECTOR_INDEX"],
    [{ PLATFORM_FEE_PERCENT: "120" }, "PLATFORM_FEE_PERCENT"],
    [{ VECTOR_INDEX: "qdrant" }, "QDRANT_URL"],
    [{ QDRANT_COLLECTION_PREFIX: "no spaces please" }, "QDRANT_COLLECTION_PREFIX"],
    [{ STRIPE_SECRET_KEY: "sk_test_x" }, "STRIPE_WEBHOOK_SECRET"],
    [{ STRIPE_WEBHOOK_SECRET: "whsec_x" }, "STRIPE_SECRET_KEY"],
    [{ STRIPE_SECRET_KEY: "pk_test_publishable", STRIPE_WEBHOOK_SECRET: "whsec_x" }, "STRIPE_SECRET_KEY"],
    [{ STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x", STRIPE_API_URL: "localhost:12111" }, "STRIPE_API_URL"],
    [{ CHECKOUT_SUCCESS_URL: "/thanks" }, "CHECKOUT_SUCCESS_URL"],
    [{ PENDING_ORDER_TTL: "soon" }, "PENDING_ORDER_TTL"]
  ] as const)("refuses %j, naming %s", ([env, variable]) =>
    Effect.gen(function*() {
      expect(yield* errorOf(env)).toContain(variable)
    }))
})

describe("secrets", () => {
  it.effect("on the server profile, a missing secret stops startup and is named", () =>
    Effect.gen(function*() {
      const config = yield* parse({ DATABASE_URL: "postgres://u@db/x", ENCRYPTION_KEY: Buffer.alloc(32).toString("base64") })
      const error = yield* Effect.flip(resolveSecrets(config))
      expect(String(error)).toContain("JWT_SECRET")
    }))

  it.effect("on the embedded profile, are generated once into the data folder with mode 0600 and reused", () =>
    Effect.gen(function*() {
      const dataDir = scratchDir("secrets-")
      const config = yield* parse({ BRAINOPS_DATA_DIR: dataDir })
      const first = yield* resolveSecrets(config)
      const second = yield* resolveSecrets(config)
      const file = path.join(dataDir, "secrets.json")
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      expect(Redacted.value(first.jwtSecret)).toBe(Redacted.value(second.jwtSecret))
      expect(Redacted.value(first.jwtSecret).length).toBeGreaterThanOrEqual(32)
      expect(Buffer.from(Redacted.value(first.encryptionKey), "base64")).toHaveLength(32)
      fs.rmSync(dataDir, { recursive: true, force: true })
    }))

  it.effect("configured secrets win over the stored ones", () =>
    Effect.gen(function*() {
      const secret = "configured-secret-0123456789-abcdefgh"
      const config = yield* parse({ BRAINOPS_DATA_DIR: "memory://", JWT_SECRET: secret, ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") })
      expect(Redacted.value((yield* resolveSecrets(config)).jwtSecret)).toBe(secret)
    }))
})
