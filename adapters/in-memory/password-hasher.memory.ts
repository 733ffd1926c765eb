import { createHash } from "node:crypto"
import { Effect, Layer, Redacted } from "effect"
import { PasswordHasher } from "../../application/ports/password-hasher.js"

const digest = (password: Redacted.Redacted<string>) =>
  "memory$" + createHash("sha256").update(Redacted.value(password)).digest("hex")

/** For tests only: a fast, deterministic stand-in for argon2, so use-case tests do not spend seconds hashing. */
export const PasswordHasherMemory = Layer.succeed(PasswordHasher, PasswordHasher.of({
  hash: (password) => Effect.succeed(digest(password)),
  verify: (hash, password) => Effect.succeed(hash === digest(password)),
  // The digest of a password nobody types: "memory$" and 64 characters that are not hex.
  decoyHash: "memory$" + "x".repeat(64)
}))
