import argon2 from "argon2"
import { Effect, Layer, Redacted, Semaphore } from "effect"
import { PasswordHasher } from "../../application/ports/password-hasher.js"

/** OWASP's minimum for argon2id (m = 19 MiB, t = 2, p = 1); raise together, never lower. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

/**
 * An argon2id hash, at ARGON2_OPTIONS, of a random password that was thrown away: verifying against
 * it costs what verifying a real user's hash costs. Fixed, so that no startup time goes into making
 * one; if ARGON2_OPTIONS change, make a new one with them (a test compares the parameters).
 */
export const DECOY_HASH = "$argon2id$v=19$m=19456,p=1,t=2$GVBbKG9aBZDSEEGTl1BzAw$iGIwW79U5nEhnIV1o/XJaDwrYSPOD+K8hzYfW015qH4"

/**
 * argon2 runs on libuv's thread pool (4 threads), so without a bound a burst of logins takes every
 * core and the event loop (every other request) waits behind it. At most `concurrency` hashes and
 * verifies run at once (HASH_CONCURRENCY, default: the cores minus one); the others queue here,
 * costing nothing but their wait.
 */
export const PasswordHasherArgon2 = (concurrency: number) =>
  Layer.effect(
    PasswordHasher,
    Effect.map(Semaphore.make(Math.max(1, Math.floor(concurrency))), (semaphore) => {
      const bounded = semaphore.withPermits(1)
      return PasswordHasher.of({
        hash: (password) => bounded(Effect.promise(() => argon2.hash(Redacted.value(password), ARGON2_OPTIONS))),
        verify: (hash, password) => bounded(Effect.promise(() => argon2.verify(hash, Redacted.value(password)).catch(() => false))),
        decoyHash: DECOY_HASH
      })
    })
  )
