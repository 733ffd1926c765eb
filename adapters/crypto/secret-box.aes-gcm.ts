import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"
import { Effect, Layer, Redacted } from "effect"
import { SecretBox, SecretBoxOpenFailed } from "../../application/ports/secret-box.js"

const VERSION = "v1"

/** AES-256-GCM: a random 96-bit nonce per seal, the 128-bit tag checked on open. `v1.<nonce>.<tag>.<ciphertext>`, base64url. */
export const SecretBoxAesGcm = (key: Redacted.Redacted<string>) =>
  Layer.sync(SecretBox, () => {
    const keyBytes = Buffer.from(Redacted.value(key), "base64")
    if (keyBytes.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes")
    return SecretBox.of({
      seal: (plaintext) =>
        Effect.sync(() => {
          const nonce = randomBytes(12)
          const cipher = createCipheriv("aes-256-gcm", keyBytes, nonce)
          const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
          return [VERSION, nonce, cipher.getAuthTag(), ciphertext].map((part) => typeof part === "string" ? part : part.toString("base64url")).join(".")
        }),
      open: (sealed) =>
        Effect.try({
          try: () => {
            const [version, nonce, tag, ciphertext] = sealed.split(".")
            if (version !== VERSION || !nonce || !tag || ciphertext === undefined) throw new Error("malformed")
            const decipher = createDecipheriv("aes-256-gcm", keyBytes, Buffer.from(nonce, "base64url"))
            decipher.setAuthTag(Buffer.from(tag, "base64url"))
            return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8")
          },
          catch: () => new SecretBoxOpenFailed()
        })
    })
  })
