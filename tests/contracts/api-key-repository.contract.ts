import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { ApiKey, ApiKeyId } from "../../domain/identity/api-key.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { at, makeUser } from "../support/fixtures.js"

const makeKey = (userId: ApiKey["userId"], minutes: number, overrides: Partial<ConstructorParameters<typeof ApiKey>[0]> = {}) =>
  new ApiKey({
    id: ApiKeyId.make(uuidV7(DateTime.toEpochMillis(at(`${minutes} minutes`)))),
    userId,
    name: `key ${minutes}`,
    prefix: "bo_abcdefgh",
    keyHash: crypto.randomUUID(),
    scopes: ["memories:read", "projects:write"],
    expiresAt: Option.some(at("30 days")),
    lastUsedAt: Option.none(),
    createdAt: at(`${minutes} minutes`),
    revokedAt: Option.none(),
    ...overrides
  })

export const apiKeyRepositoryContract = (it: Vitest.MethodsNonLive<ApiKeyRepository | UserRepository>) =>
  describe("ApiKeyRepository contract", () => {
    it.effect("finds a key by its hash, field for field; lists a user's unrevoked keys newest first", () =>
      Effect.gen(function*() {
        const keys = yield* ApiKeyRepository
        const user = makeUser()
        yield* (yield* UserRepository).insert(user)
        const [a, b, c] = [makeKey(user.id, 1), makeKey(user.id, 2, { expiresAt: Option.none() }), makeKey(user.id, 3)]
        yield* Effect.forEach([a, b, c], keys.insert)
        expect(yield* keys.findByHash(b.keyHash)).toEqual(Option.some(b))
        expect(yield* keys.findByHash("unknown")).toEqual(Option.none())
        expect(yield* keys.revoke(c.id, user.id, at("4 minutes"))).toBe(true)
        expect(yield* keys.revoke(c.id, user.id, at("5 minutes"))).toBe(false)
        const listed = yield* keys.listByUser(user.id, Option.none(), 1)
        expect(listed.map((k) => k.id)).toEqual([b.id, a.id])
        const rest = yield* keys.listByUser(user.id, Option.some({ at: DateTime.toEpochMillis(b.createdAt), id: b.id }), 1)
        expect(rest.map((k) => k.id)).toEqual([a.id])
        expect(Option.getOrThrow(yield* keys.findByHash(c.keyHash)).revokedAt).toEqual(Option.some(at("4 minutes")))
      }))

    it.effect("finds a key for authentication with its whole user, in one read; touchMany moves last uses forward", () =>
      Effect.gen(function*() {
        const keys = yield* ApiKeyRepository
        const user = makeUser({ role: "admin" })
        yield* (yield* UserRepository).insert(user)
        const [a, b] = [makeKey(user.id, 1), makeKey(user.id, 2, { lastUsedAt: Option.some(at("20 minutes")) })]
        yield* Effect.forEach([a, b], keys.insert)
        expect(yield* keys.findForAuthentication(a.keyHash)).toEqual(Option.some({ key: a, user }))
        expect(yield* keys.findForAuthentication("unknown")).toEqual(Option.none())
        yield* keys.touchMany([
          { id: a.id, at: at("7 minutes") },
          { id: a.id, at: at("6 minutes") },
          { id: b.id, at: at("8 minutes") }
        ])
        expect(Option.getOrThrow(yield* keys.findByHash(a.keyHash)).lastUsedAt).toEqual(Option.some(at("7 minutes")))
        expect(Option.getOrThrow(yield* keys.findByHash(b.keyHash)).lastUsedAt).toEqual(Option.some(at("20 minutes")))
        yield* keys.revoke(a.id, user.id, at("9 minutes"))
        expect(Option.getOrThrow(yield* keys.findForAuthentication(a.keyHash)).key.revokedAt).toEqual(Option.some(at("9 minutes")))
      }))

    it.effect("revokes only the owner's key, and records last use", () =>
      Effect.gen(function*() {
        const keys = yield* ApiKeyRepository
        const [owner, other] = [makeUser(), makeUser()]
        yield* Effect.forEach([owner, other], (u) => Effect.flatMap(UserRepository, (r) => r.insert(u)))
        const key = makeKey(owner.id, 10)
        yield* keys.insert(key)
        expect(yield* keys.revoke(key.id, other.id, at("11 minutes"))).toBe(false)
        yield* keys.touchMany([{ id: key.id, at: at("12 minutes") }])
        expect(Option.getOrThrow(yield* keys.findByHash(key.keyHash)).lastUsedAt).toEqual(Option.some(at("12 minutes")))
      }))
  
    it.effect("inserts within a limit of usable keys (revoked and expired ones do not count); revokes all of a user's keys", () =>
      Effect.gen(function*() {
        const keys = yield* ApiKeyRepository
        const [owner, other] = [makeUser(), makeUser()]
        yield* Effect.forEach([owner, other], (u) => Effect.flatMap(UserRepository, (r) => r.insert(u)))
        const now = at("1 hour")
        const expired = makeKey(owner.id, 20, { expiresAt: Option.some(at("30 minutes")) })
        const revoked = makeKey(owner.id, 21, { revokedAt: Option.some(at("40 minutes")) })
        yield* Effect.forEach([expired, revoked], keys.insert)
        const fresh = (minutes: number) => makeKey(owner.id, minutes, { createdAt: now })
        expect(yield* keys.insertWithinLimit(fresh(30), 2)).toBe(true)
        expect(yield* keys.insertWithinLimit(fresh(31), 2)).toBe(true)
        const refused = fresh(32)
        expect(yield* keys.insertWithinLimit(refused, 2)).toBe(false)
        expect(yield* keys.findByHash(refused.keyHash)).toEqual(Option.none())
        const theirs = makeKey(other.id, 33, { createdAt: now })
        expect(yield* keys.insertWithinLimit(theirs, 2)).toBe(true)
        // Concurrent inserts for one user cannot pass the limit together.
        const racers = [34, 35, 36, 37].map(fresh)
        const outcomes = yield* Effect.forEach(racers, (k) => keys.insertWithinLimit(k, 4), { concurrency: "unbounded" })
        expect(outcomes.filter(Boolean)).toHaveLength(2)

        expect(yield* keys.revokeAllForUser(owner.id, at("2 hours"))).toBe(5)
        expect(yield* keys.revokeAllForUser(owner.id, at("3 hours"))).toBe(0)
        expect((yield* keys.listByUser(owner.id, Option.none(), 100))).toEqual([])
        expect(Option.getOrThrow(yield* keys.findByHash(revoked.keyHash)).revokedAt).toEqual(Option.some(at("40 minutes")))
        expect(Option.getOrThrow(yield* keys.findByHash(expired.keyHash)).revokedAt).toEqual(Option.some(at("2 hours")))
        expect((yield* keys.listByUser(other.id, Option.none(), 100)).map((k) => k.id)).toEqual([theirs.id])
      }))
  })
