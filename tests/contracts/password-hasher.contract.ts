import { describe, expect, type Vitest } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { PasswordHasher } from "../../application/ports/password-hasher.js"

const secret = Redacted.make("correct horse battery staple")

/** What every PasswordHasher adapter must do. */
export const passwordHasherContract = (it: Vitest.MethodsNonLive<PasswordHasher>) =>
  describe("PasswordHasher contract", () => {
    it.effect("verifies the right password and refuses a wrong one", () =>
      Effect.gen(function*() {
        const hasher = yield* PasswordHasher
        const hash = yield* hasher.hash(secret)
        expect(hash).not.toContain(Redacted.value(secret))
        expect(yield* hasher.verify(hash, secret)).toBe(true)
        expect(yield* hasher.verify(hash, Redacted.make("correct horse battery staplE"))).toBe(false)
      }))

    it.effect("answers false, never fails, for a malformed hash", () =>
      Effect.gen(function*() {
        const hasher = yield* PasswordHasher
        expect(yield* hasher.verify("not a hash", secret)).toBe(false)
        expect(yield* hasher.verify("", secret)).toBe(false)
      }))

    it.effect("has a decoy hash, for logins of unknown emails, that no password matches", () =>
      Effect.gen(function*() {
        const hasher = yield* PasswordHasher
        expect(yield* hasher.verify(hasher.decoyHash, secret)).toBe(false)
        expect(yield* hasher.verify(hasher.decoyHash, Redacted.make(""))).toBe(false)
      }))
  })
