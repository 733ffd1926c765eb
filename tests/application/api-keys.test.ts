import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "../../application/identity/api-keys.js"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { ApiKeyId, MAX_ACTIVE_API_KEYS } from "../../domain/identity/api-key.js"
import { loginAnn, reasonOf, registerAnn, UseCaseLayer } from "../support/identity-helpers.js"

const page = { limit: 20, cursor: Option.none() }

describe("API keys", () => {
  it.effect("are bo_ + prefix + a 256-bit secret, kept only as a hash, and authenticate with their scopes only", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      const { apiKey, key } = yield* createApiKey(actor, { name: "ci", scopes: ["memories:read", "memories:read"], expiresAt: Option.none() })
      expect(key).toMatch(/^bo_[\w-]{8}_[\w-]{43}$/)
      expect(key.startsWith(apiKey.prefix)).toBe(true)
      expect(apiKey.scopes).toEqual(["memories:read"])
      const stored = Option.getOrThrow(yield* (yield* ApiKeyRepository).findByHash(apiKey.keyHash))
      expect(JSON.stringify(stored)).not.toContain(key.slice(12))
      const keyActor = yield* authenticateApiKey(key)
      expect([...keyActor.scopes]).toEqual(["memories:read"])
      expect(Option.isNone(keyActor.sessionId)).toBe(true)
      expect(keyActor.userId).toBe(actor.userId)
      const listed = yield* listApiKeys(actor, page)
      expect(listed.items.map((k) => k.prefix)).toEqual([apiKey.prefix])
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("cannot be created or revoked with an API key", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      const { apiKey, key } = yield* createApiKey(actor, { name: "k", scopes: ["projects:read"], expiresAt: Option.none() })
      const keyActor = yield* authenticateApiKey(key)
      expect((yield* Effect.flip(createApiKey(keyActor, { name: "x", scopes: ["projects:read"], expiresAt: Option.none() })))._tag).toBe("Forbidden")
      expect((yield* Effect.flip(revokeApiKey(keyActor, apiKey.id)))._tag).toBe("Forbidden")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("stop working when revoked, or once expired; expiry must be in the future", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      const now = yield* DateTime.now
      const past = yield* Effect.flip(createApiKey(actor, { name: "old", scopes: ["projects:read"], expiresAt: Option.some(now) }))
      expect(past._tag).toBe("InvalidApiKeyRequest")
      const expiring = yield* createApiKey(actor, { name: "e", scopes: ["projects:read"], expiresAt: Option.some(DateTime.add(now, { hours: 1 })) })
      const revoked = yield* createApiKey(actor, { name: "r", scopes: ["projects:read"], expiresAt: Option.none() })
      yield* authenticateApiKey(expiring.key)
      yield* revokeApiKey(actor, revoked.apiKey.id)
      expect(reasonOf(yield* Effect.flip(authenticateApiKey(revoked.key)))).toBe("invalid, revoked or expired API key")
      yield* TestClock.adjust("1 hour")
      expect(reasonOf(yield* Effect.flip(authenticateApiKey(expiring.key)))).toBe("invalid, revoked or expired API key")
      expect(reasonOf(yield* Effect.flip(authenticateApiKey("bo_not_a_key")))).toBe("invalid, revoked or expired API key")
      expect((yield* Effect.flip(revokeApiKey(actor, ApiKeyId.make(crypto.randomUUID()))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("records last use at most once a minute", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      const { apiKey, key } = yield* createApiKey(actor, { name: "k", scopes: ["projects:read"], expiresAt: Option.none() })
      const lastUsed = Effect.map(Effect.flatMap(ApiKeyRepository, (r) => r.findByHash(apiKey.keyHash)), (k) => Option.getOrThrow(k).lastUsedAt)
      yield* authenticateApiKey(key)
      const first = yield* lastUsed
      expect(Option.isSome(first)).toBe(true)
      yield* TestClock.adjust("30 seconds")
      yield* authenticateApiKey(key)
      expect(yield* lastUsed).toEqual(first)
      yield* TestClock.adjust("31 seconds")
      yield* authenticateApiKey(key)
      expect(yield* lastUsed).not.toEqual(first)
    }).pipe(Effect.provide(UseCaseLayer)))

  it.effect("a user holds at most 25 active keys: the 26th is refused until one is revoked or expires", () =>
    Effect.gen(function*() {
      yield* registerAnn
      const { actor } = yield* loginAnn()
      const now = yield* DateTime.now
      const make = (name: string, expiresAt = Option.none<DateTime.Utc>()) => createApiKey(actor, { name, scopes: ["projects:read"], expiresAt })
      expect(MAX_ACTIVE_API_KEYS).toBe(25)
      const first = yield* make("expiring", Option.some(DateTime.add(now, { hours: 1 })))
      const second = yield* make("k1")
      for (let i = 2; i < 25; i++) yield* make(`k${i}`)
      const refused = yield* Effect.flip(make("k25"))
      expect(refused).toMatchObject({ _tag: "TooManyApiKeys", limit: 25 })
      // A refused key is not stored.
      expect((yield* listApiKeys(actor, { limit: 100, cursor: Option.none() })).items).toHaveLength(25)
      yield* revokeApiKey(actor, second.apiKey.id)
      yield* make("after a revoke")
      expect((yield* Effect.flip(make("again")))._tag).toBe("TooManyApiKeys")
      yield* TestClock.adjust("1 hour")
      expect(reasonOf(yield* Effect.flip(authenticateApiKey(first.key)))).toBe("invalid, revoked or expired API key")
      yield* make("after an expiry")
    }).pipe(Effect.provide(UseCaseLayer)))
})
