import { describe, expect, type Vitest } from "@effect/vitest"
import { Effect, Option } from "effect"
import { UnitOfWork } from "../../application/ports/unit-of-work.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { makeUser } from "../support/fixtures.js"

/**
 * What a transactional UnitOfWork must do. The in-memory one does not model rollback (it is for
 * use-case tests), so this suite runs against the SQL adapter on PGlite and PostgreSQL.
 */
export const unitOfWorkContract = (it: Vitest.MethodsNonLive<UnitOfWork | UserRepository>) =>
  describe("UnitOfWork contract", () => {
    it.effect("keeps every write of a transaction that succeeds", () =>
      Effect.gen(function*() {
        const users = yield* UserRepository
        const [a, b] = [makeUser(), makeUser()]
        yield* (yield* UnitOfWork).transaction(Effect.andThen(users.insert(a), users.insert(b)))
        expect(Option.isSome(yield* users.findById(a.id))).toBe(true)
        expect(Option.isSome(yield* users.findById(b.id))).toBe(true)
      }))

    it.effect("undoes every write of a transaction that fails, and passes its error on", () =>
      Effect.gen(function*() {
        const users = yield* UserRepository
        const a = makeUser()
        const error = yield* Effect.flip(
          (yield* UnitOfWork).transaction(Effect.andThen(users.insert(a), Effect.fail("boom" as const)))
        )
        expect(error).toBe("boom")
        expect(Option.isNone(yield* users.findById(a.id))).toBe(true)
      }))

    it.effect("undoes the first write when a later one conflicts", () =>
      Effect.gen(function*() {
        const users = yield* UserRepository
        const existing = makeUser()
        yield* users.insert(existing)
        const fresh = makeUser()
        const error = yield* Effect.flip(
          (yield* UnitOfWork).transaction(Effect.andThen(users.insert(fresh), users.insert(makeUser({ email: existing.email }))))
        )
        expect(error._tag).toBe("EmailAlreadyRegistered")
        expect(Option.isNone(yield* users.findById(fresh.id))).toBe(true)
      }))
  })
