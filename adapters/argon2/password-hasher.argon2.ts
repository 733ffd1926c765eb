import argon2 from "argon2"
import { Effect, Layer, Redacted } from "effect"
import { PasswordHasher } from "../../application/ports/password-hasher.js"

/** OWASP's minimum for argon2id (m = 19 MiB, t = 2, p = 1); raise together, never lower. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export const PasswordHasherArgon2 = Layer.effect(
  PasswordHasher,
  Effect.gen(function*() {
    // A hash of a random password with the same parameters, so that a login for an unknown email
    // costs the same as one for a known email.
    const decoy = yield* Effect.promise(() => argon2.hash(crypto.randomUUID(), ARGON2_OPTIONS))
    const verify = (hash: string, password: Redacted.Redacted<string>) =>
      Effect.promise(() => argon2.verify(hash, Redacted.value(password)).catch(() => false))
    return PasswordHasher.of({
      hash: (password) => Effect.promise(() => argon2.hash(Redacted.value(password), ARGON2_OPTIONS)),
      verify,
      simulateVerify: (password) => Effect.asVoid(verify(decoy, password))
    })
  })
)
