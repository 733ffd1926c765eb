import { DateTime, Effect, Layer, Option, Ref } from "effect"
import { type OneTimeToken, OneTimeTokens } from "../../application/ports/one-time-tokens.js"

interface Stored extends OneTimeToken {
  readonly used: boolean
}

/** For tests only. */
export const OneTimeTokensMemory = Layer.effect(
  OneTimeTokens,
  Effect.gen(function*() {
    const tokens = yield* Ref.make(new Map<string, Stored>())
    return OneTimeTokens.of({
      insert: (token) => Ref.update(tokens, (all) => new Map(all).set(token.tokenHash, { ...token, used: false })),
      find: (hash, purpose, now) =>
        Effect.map(Ref.get(tokens), (all) => {
          const token = all.get(hash)
          return token && !token.used && token.purpose === purpose && DateTime.isLessThan(now, token.expiresAt)
            ? Option.some(token.userId)
            : Option.none()
        }),
      consume: (hash, purpose, now) =>
        Ref.modify(tokens, (all) => {
          const token = all.get(hash)
          if (!token || token.used || token.purpose !== purpose || !DateTime.isLessThan(now, token.expiresAt)) {
            return [Option.none(), all] as const
          }
          return [Option.some(token.userId), new Map(all).set(hash, { ...token, used: true })] as const
        }),
      revokeAll: (userId, purpose) =>
        Ref.update(tokens, (all) =>
          new Map([...all].map(([hash, t]) => [hash, t.userId === userId && t.purpose === purpose ? { ...t, used: true } : t])))
    })
  })
)
