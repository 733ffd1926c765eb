import { randomBytes } from "node:crypto"
import { Clock, Effect, Layer } from "effect"
import { Ids } from "../../application/ports/ids.js"

/** RFC 9562 UUID v7: 48 bits of Unix milliseconds from the Effect Clock, then 74 random bits. */
export const uuidV7 = (millis: number): string => {
  const bytes = randomBytes(16)
  const ms = BigInt(millis)
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn)
  bytes[6] = (bytes[6]! & 0x0f) | 0x70
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export const IdsUuidV7 = Layer.succeed(Ids, Ids.of({
  next: Effect.map(Clock.currentTimeMillis, uuidV7)
}))
