import { DateTime, Effect, Layer, Option, Ref } from "effect"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { ApiKey, isUsable } from "../../domain/identity/api-key.js"
import { newestFirstAfter } from "./keyset.js"

/** For tests only. Reads its users' roles from the UserRepository it is given (the same one the tests fill). */
export const ApiKeyRepositoryMemory = Layer.effect(
  ApiKeyRepository,
  Effect.gen(function*() {
    const users = yield* UserRepository
    const keys = yield* Ref.make(new Map<string, ApiKey>())
    return ApiKeyRepository.of({
      insert: (key) => Ref.update(keys, (all) => new Map(all).set(key.id, key)),
      insertWithinLimit: (key, maxActive) =>
        Ref.modify(keys, (all) => {
          const active = [...all.values()].filter((k) => k.userId === key.userId && isUsable(k, key.createdAt)).length
          return active >= maxActive ? [false, all] as const : [true, new Map(all).set(key.id, key)] as const
        }),
      revokeAllForUser: (userId, now) =>
        Ref.modify(keys, (all) => {
          const next = new Map(all)
          let revoked = 0
          for (const key of all.values()) {
            if (key.userId !== userId || Option.isSome(key.revokedAt)) continue
            next.set(key.id, new ApiKey({ ...key, revokedAt: Option.some(now) }))
            revoked++
          }
          return [revoked, next] as const
        }),
      findByHash: (hash) => Effect.map(Ref.get(keys), (all) => Option.fromNullishOr([...all.values()].find((k) => k.keyHash === hash))),
      findForAuthentication: (hash) =>
        Effect.gen(function*() {
          const key = [...(yield* Ref.get(keys)).values()].find((k) => k.keyHash === hash)
          if (key === undefined) return Option.none()
          return Option.map(yield* users.findById(key.userId), (user) => ({ key, user }))
        }),
      listByUser: (userId, after, limit) =>
        Effect.map(Ref.get(keys), (all) =>
          newestFirstAfter([...all.values()].filter((k) => k.userId === userId && Option.isNone(k.revokedAt)), after, limit)),
      revoke: (id, userId, now) =>
        Ref.modify(keys, (all) => {
          const key = all.get(id)
          if (!key || key.userId !== userId || Option.isSome(key.revokedAt)) return [false, all] as const
          return [true, new Map(all).set(id, new ApiKey({ ...key, revokedAt: Option.some(now) }))] as const
        }),
      touchMany: (uses) =>
        Ref.update(keys, (all) => {
          const next = new Map(all)
          for (const { at, id } of uses) {
            const key = next.get(id)
            if (key && Option.match(key.lastUsedAt, { onNone: () => true, onSome: (last) => DateTime.isLessThan(last, at) })) {
              next.set(id, new ApiKey({ ...key, lastUsedAt: Option.some(at) }))
            }
          }
          return next
        })
    })
  })
)
