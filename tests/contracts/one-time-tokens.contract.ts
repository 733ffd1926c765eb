import { describe, expect, type Vitest } from "@effect/vitest"
import { Effect, Option } from "effect"
import { OneTimeTokens, type TokenPurpose } from "../../application/ports/one-time-tokens.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { at, makeUser, T0 } from "../support/fixtures.js"

const setup = (purpose: TokenPurpose = "reset-password") =>
  Effect.gen(function*() {
    const user = makeUser()
    yield* (yield* UserRepository).insert(user)
    const tokenHash = crypto.randomUUID()
    yield* (yield* OneTimeTokens).insert({ tokenHash, purpose, userId: user.id, createdAt: T0, expiresAt: at("30 minutes") })
    return { user, tokenHash }
  })

/** What every OneTimeTokens adapter must do: single use, expiry, purpose, supersession. */
export const oneTimeTokensContract = (it: Vitest.MethodsNonLive<OneTimeTokens | UserRepository>) =>
  describe("OneTimeTokens contract", () => {
    it.effect("consumes a token once, for its purpose, before it expires", () =>
      Effect.gen(function*() {
        const tokens = yield* OneTimeTokens
        const { tokenHash, user } = yield* setup()
        expect(yield* tokens.consume(tokenHash, "verify-email", at("1 minute"))).toEqual(Option.none())
        expect(yield* tokens.consume(tokenHash, "reset-password", at("1 minute"))).toEqual(Option.some(user.id))
        expect(yield* tokens.consume(tokenHash, "reset-password", at("2 minutes"))).toEqual(Option.none())
      }))

    it.effect("find answers the user of a usable token without using it up", () =>
      Effect.gen(function*() {
        const tokens = yield* OneTimeTokens
        const { tokenHash, user } = yield* setup()
        expect(yield* tokens.find(tokenHash, "reset-password", at("1 minute"))).toEqual(Option.some(user.id))
        expect(yield* tokens.find(tokenHash, "verify-email", at("1 minute"))).toEqual(Option.none())
        expect(yield* tokens.find(tokenHash, "reset-password", at("30 minutes"))).toEqual(Option.none())
        expect(yield* tokens.consume(tokenHash, "reset-password", at("1 minute"))).toEqual(Option.some(user.id))
        expect(yield* tokens.find(tokenHash, "reset-password", at("1 minute"))).toEqual(Option.none())
      }))

    it.effect("refuses a token at and after its expiry, and an unknown one", () =>
      Effect.gen(function*() {
        const tokens = yield* OneTimeTokens
        const { tokenHash } = yield* setup()
        expect(yield* tokens.consume(tokenHash, "reset-password", at("30 minutes"))).toEqual(Option.none())
        expect(yield* tokens.consume("unknown", "reset-password", T0)).toEqual(Option.none())
      }))

    it.effect("lets only one of many concurrent consumes win", () =>
      Effect.gen(function*() {
        const tokens = yield* OneTimeTokens
        const { tokenHash } = yield* setup()
        const results = yield* Effect.all(
          Array.from({ length: 6 }, () => tokens.consume(tokenHash, "reset-password", at("1 minute"))),
          { concurrency: "unbounded" }
        )
        expect(results.filter(Option.isSome)).toHaveLength(1)
      }))

    it.effect("revokeAll voids a user's unused tokens of that purpose only", () =>
      Effect.gen(function*() {
        const tokens = yield* OneTimeTokens
        const { tokenHash, user } = yield* setup("verify-email")
        const other = crypto.randomUUID()
        yield* tokens.insert({ tokenHash: other, purpose: "reset-password", userId: user.id, createdAt: T0, expiresAt: at("1 hour") })
        yield* tokens.revokeAll(user.id, "verify-email", at("1 minute"))
        expect(yield* tokens.consume(tokenHash, "verify-email", at("2 minutes"))).toEqual(Option.none())
        expect(yield* tokens.consume(other, "reset-password", at("2 minutes"))).toEqual(Option.some(user.id))
      }))
  })
