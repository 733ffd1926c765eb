import { describe, expect, type Vitest } from "@effect/vitest"
import { Effect, Result, Option } from "effect"
import { UserRepository } from "../../application/ports/user-repository.js"
import type { Email } from "../../domain/identity/user.js"
import { at, makeUser, T0, uniqueEmail } from "../support/fixtures.js"

/** What every UserRepository adapter must do. Each test makes its own rows, so suites need no reset. */
export const userRepositoryContract = (it: Vitest.MethodsNonLive<UserRepository>) =>
  describe("UserRepository contract", () => {
    it.effect("stores a user and finds it by id and by email, field for field", () =>
      Effect.gen(function*() {
        const users = yield* UserRepository
        const user = makeUser({ emailVerifiedAt: Option.some(at("1 hour")), role: "admin" })
        yield* users.insert(user)
        expect(yield* users.findById(user.id)).toEqual(Option.some(user))
        expect(yield* users.findByEmail(user.email)).toEqual(Option.some(user))
      }))

    // Emails reach the port normalised (the Email type guarantees it); lookups must still not
    // depend on that, so this test bypasses the type on purpose.
    it.effect("finds by email whatever its case", () =>
      Effect.gen(function*() {
        const users = yield* UserRepository
        const user = makeUser()
        yield* users.insert(user)
        const found = yield* users.findByEmail(user.email.toUpperCase() as Email)
        expect(Option.map(found, (u) => u.id)).toEqual(Option.some(user.id))
      }))

    it.effect("answers none for an unknown id or email", () =>
      Effect.gen(function*() {
        const users = yield* UserRepository
        expect(Option.isNone(yield* users.findById(makeUser().id))).toBe(true)
        expect(Option.isNone(yield* users.findByEmail(uniqueEmail()))).toBe(true)
      }))

    it.effect("refuses a second account with the same email", () =>
      Effect.gen(function*() {
        const users = yield* UserRepository
        const first = makeUser()
        yield* users.insert(first)
        const second = makeUser({ email: first.email })
        const result = yield* Effect.result(users.insert(second))
        expect(Result.isFailure(result) && result.failure._tag).toBe("EmailAlreadyRegistered")
        expect(Option.isNone(yield* users.findById(second.id))).toBe(true)
      }))

    it.effect("lets exactly one of many concurrent registrations of one email win", () =>
      Effect.gen(function*() {
        const users = yield* UserRepository
        const email = uniqueEmail("race")
        const results = yield* Effect.all(
          Array.from({ length: 8 }, () => Effect.result(users.insert(makeUser({ email })))),
          { concurrency: "unbounded" }
        )
        expect(results.filter(Result.isSuccess)).toHaveLength(1)
        expect(results.filter(Result.isFailure).map((r) => r.failure._tag)).toEqual(Array(7).fill("EmailAlreadyRegistered"))
      }))

    it.effect("changes a role and its updated_at", () =>
      Effect.gen(function*() {
        const users = yield* UserRepository
        const user = makeUser()
        yield* users.insert(user)
        yield* users.setRole(user.id, "admin", at("1 day"))
        const found = Option.getOrThrow(yield* users.findById(user.id))
        expect(found.role).toBe("admin")
        expect(found.updatedAt).toEqual(at("1 day"))
        expect(found.createdAt).toEqual(T0)
      }))
  })
