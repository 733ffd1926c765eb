import { createHash, randomBytes, randomInt } from "node:crypto"
import { Effect, Layer } from "effect"
import { SecretTokens } from "../../application/ports/secret-tokens.js"

/** 256-bit random tokens, base64url; stored as SHA-256 hex. */
export const SecretTokensNode = Layer.succeed(SecretTokens, SecretTokens.of({
  generate: Effect.sync(() => randomBytes(32).toString("base64url")),
  randomString: (alphabet, length) =>
    Effect.sync(() => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("")),
  hash: (token) => createHash("sha256").update(token, "utf8").digest("hex")
}))
