import { describe, expect, type Vitest } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TwoFactorRepository } from "../../application/ports/two-factor-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { at, makeUser } from "../support/fixtures.js"

const withUser = Effect.gen(function*() {
  const user = makeUser()
  yield* (yield* UserRepository).insert(user)
  return user
})

/** What every TwoFactorRepository adapter must do, including the atomic step and code checks. */
export const twoFactorRepositoryContract = (
  it: Vitest.MethodsNonLive<TwoFactorRepository | UserRepository>
) =>
  describe("TwoFactorRepository contract", () => {
    it.effect("keeps a pending secret apart until activation, then holds the active one", () =>
      Effect.gen(function*() {
        const repo = yield* TwoFactorRepository
        const user = yield* withUser
        expect(yield* repo.find(user.id)).toEqual(Option.none())
        yield* repo.setPending(user.id, "sealed-1")
        const pending = Option.getOrThrow(yield* repo.find(user.id))
        expect([pending.secret, pending.pendingSecret]).toEqual([Option.none(), Option.some("sealed-1")])
        yield* repo.activate(user.id, at("1 minute"), 100, ["h1", "h2"])
        const active = Option.getOrThrow(yield* repo.find(user.id))
        expect(active).toEqual({
          userId: user.id,
          secret: Option.some("sealed-1"),
          pendingSecret: Option.none(),
          enabledAt: Option.some(at("1 minute")),
          lastStep: Option.some(100)
        })
        expect(yield* repo.remainingRecoveryCodes(user.id)).toBe(2)
        yield* repo.disable(user.id)
        expect(yield* repo.find(user.id)).toEqual(Option.none())
        expect(yield* repo.remainingRecoveryCodes(user.id)).toBe(0)
      }))

    it.effect("advances the step only forward, once, under concurrency", () =>
      Effect.gen(function*() {
        const repo = yield* TwoFactorRepository
        const user = yield* withUser
        yield* repo.setPending(user.id, "s")
        yield* repo.activate(user.id, at("1 minute"), 100, [])
        expect(yield* repo.advanceStep(user.id, 100)).toBe(false)
        const results = yield* Effect.all(Array.from({ length: 5 }, () => repo.advanceStep(user.id, 101)), { concurrency: "unbounded" })
        expect(results.filter(Boolean)).toHaveLength(1)
        expect(yield* repo.advanceStep(user.id, 99)).toBe(false)
      }))

    it.effect("uses each recovery code once", () =>
      Effect.gen(function*() {
        const repo = yield* TwoFactorRepository
        const user = yield* withUser
        yield* repo.setPending(user.id, "s")
        yield* repo.activate(user.id, at("1 minute"), 1, ["a", "b"])
        expect(yield* repo.consumeRecoveryCode(user.id, "a", at("2 minutes"))).toBe(true)
        expect(yield* repo.consumeRecoveryCode(user.id, "a", at("3 minutes"))).toBe(false)
        expect(yield* repo.consumeRecoveryCode(user.id, "zzz", at("3 minutes"))).toBe(false)
        expect(yield* repo.remainingRecoveryCodes(user.id)).toBe(1)
      }))

    it.effect("counts challenge failures and consumes a challenge once", () =>
      Effect.gen(function*() {
        const repo = yield* TwoFactorRepository
        const user = yield* withUser
        const challenge = { id: crypto.randomUUID(), userId: user.id, tokenHash: crypto.randomUUID(), expiresAt: at("5 minutes"), attempts: 0 }
        yield* repo.insertChallenge(challenge)
        expect(yield* repo.findChallenge(challenge.tokenHash)).toEqual(Option.some(challenge))
        expect(yield* repo.recordChallengeFailure(challenge.id)).toBe(1)
        expect(yield* repo.recordChallengeFailure(challenge.id)).toBe(2)
        const results = yield* Effect.all(Array.from({ length: 4 }, () => repo.consumeChallenge(challenge.id, at("1 minute"))), { concurrency: "unbounded" })
        expect(results.filter(Boolean)).toHaveLength(1)
        expect(yield* repo.findChallenge(challenge.tokenHash)).toEqual(Option.none())
      }))
  })
