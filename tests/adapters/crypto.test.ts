import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { IdsUuidV7, uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../../adapters/crypto/secret-tokens.node.js"
import { Ids } from "../../application/ports/ids.js"
import { SecretTokens } from "../../application/ports/secret-tokens.js"

describe("UUID v7 ids", () => {
  it("are RFC 9562 version 7 with the millisecond timestamp up front", () => {
    const id = uuidV7(Date.parse("2026-01-01T00:00:00Z"))
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(Date.parse("2026-01-01T00:00:00Z"))
  })

  it.effect("take their time from the Effect Clock, so they sort by creation", () =>
    Effect.gen(function*() {
      const ids = yield* Ids
      yield* TestClock.setTime(1_000)
      const first = yield* ids.next
      yield* TestClock.adjust("1 millis")
      const second = yield* ids.next
      expect(first < second).toBe(true)
      expect(first.startsWith("00000000-03e8")).toBe(true)
    }).pipe(Effect.provide(IdsUuidV7)))
})

describe("secret tokens", () => {
  it.effect("are 256-bit, url-safe, distinct, and hashed to a fixed SHA-256 hex digest", () =>
    Effect.gen(function*() {
      const tokens = yield* SecretTokens
      const all = yield* Effect.all(Array.from({ length: 100 }, () => tokens.generate))
      expect(new Set(all).size).toBe(100)
      for (const token of all) expect(Buffer.from(token, "base64url")).toHaveLength(32)
      expect(tokens.hash("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }).pipe(Effect.provide(SecretTokensNode)))
})
