import { describe, expect, layer } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { PasswordHasherArgon2 } from "../../adapters/argon2/password-hasher.argon2.js"
import { PasswordHasher } from "../../application/ports/password-hasher.js"
import { passwordHasherContract } from "./password-hasher.contract.js"

layer(PasswordHasherArgon2(2), { excludeTestServices: true })("argon2 PasswordHasher", (it) => {
  passwordHasherContract(it)

  describe("argon2 specifics", () => {
    it.effect("hashes with argon2id at OWASP's parameters, salted", () =>
      Effect.gen(function*() {
        const hasher = yield* PasswordHasher
        const a = yield* hasher.hash(Redacted.make("same password"))
        const b = yield* hasher.hash(Redacted.make("same password"))
        expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/)
        expect(a).not.toBe(b)
      }))

    // The decoy keeps an unknown email from answering faster than a known one. Measured, not
    // asserted to a tight bound: only that it does real argon2 work rather than nothing.
    it.effect("spends argon2 time on a verify against the decoy, made with the same parameters", () =>
      Effect.gen(function*() {
        const hasher = yield* PasswordHasher
        const hash = yield* hasher.hash(Redacted.make("x-password"))
        const time = (effect: Effect.Effect<unknown>) =>
          Effect.map(Effect.timed(effect), ([duration]) => Number(duration.value._tag === "Nanos" ? duration.value.nanos / 1_000_000n : 0))
        const real = yield* time(hasher.verify(hash, Redacted.make("y-password")))
        const simulated = yield* time(hasher.verify(hasher.decoyHash, Redacted.make("y-password")))
        expect(simulated).toBeGreaterThan(real / 4)
        // Same algorithm, version and cost as every hash made now.
        expect(hasher.decoyHash.split("$").slice(0, 4)).toEqual(hash.split("$").slice(0, 4))
      }))
  })
})
