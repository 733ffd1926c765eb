import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { SecretBoxAesGcm } from "../../adapters/crypto/secret-box.aes-gcm.js"
import { SecretBox } from "../../application/ports/secret-box.js"

const key = (fill: number) => Redacted.make(Buffer.alloc(32, fill).toString("base64"))

describe("AES-256-GCM secret box", () => {
  it.effect("opens what it sealed; each seal differs (fresh nonce)", () =>
    Effect.gen(function*() {
      const box = yield* SecretBox
      const a = yield* box.seal("JBSWY3DPEHPK3PXP")
      const b = yield* box.seal("JBSWY3DPEHPK3PXP")
      expect(a).not.toBe(b)
      expect(a).not.toContain("JBSWY3DPEHPK3PXP")
      expect(yield* box.open(a)).toBe("JBSWY3DPEHPK3PXP")
    }).pipe(Effect.provide(SecretBoxAesGcm(key(1)))))

  it.effect("refuses tampered text, garbage, and another key's seal", () =>
    Effect.gen(function*() {
      const sealed = yield* Effect.flatMap(SecretBox, (b) => b.seal("secret")).pipe(Effect.provide(SecretBoxAesGcm(key(1))))
      const [v, nonce, tag, body] = sealed.split(".")
      const flipped = `${v}.${nonce}.${tag}.${Buffer.from(Buffer.from(body!, "base64url").map((x) => x ^ 1)).toString("base64url")}`
      const box = yield* SecretBox
      for (const bad of [flipped, "garbage", ""]) {
        expect((yield* Effect.flip(box.open(bad)))._tag).toBe("SecretBoxOpenFailed")
      }
      const otherKey = yield* Effect.flip(Effect.flatMap(SecretBox, (b) => b.open(sealed)).pipe(Effect.provide(SecretBoxAesGcm(key(2)))))
      expect(otherKey._tag).toBe("SecretBoxOpenFailed")
    }).pipe(Effect.provide(SecretBoxAesGcm(key(1)))))
})
