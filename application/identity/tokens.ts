import { DateTime, Effect, Option } from "effect"
import { Session, SessionId } from "../../domain/identity/session.js"
import type { User } from "../../domain/identity/user.js"
import { AccessTokens } from "../ports/access-tokens.js"
import { Ids } from "../ports/ids.js"
import { SecretTokens } from "../ports/secret-tokens.js"
import { SessionRepository } from "../ports/session-repository.js"
import { currentClient } from "./client.js"
import { IdentitySettings } from "./settings.js"

export interface TokenPair {
  readonly accessToken: string
  readonly refreshToken: string
  readonly expiresInSeconds: number
}

/** Opens a new session for a user whose identity is proven, and hands out its first token pair. */
export const startSession = Effect.fn("Identity.startSession")(function*(user: User) {
  const client = yield* currentClient
  const secrets = yield* SecretTokens
  const settings = yield* IdentitySettings
  const now = yield* DateTime.now
  const refreshToken = yield* secrets.generate
  const session = new Session({
    id: SessionId.make(yield* (yield* Ids).next),
    userId: user.id,
    refreshTokenHash: secrets.hash(refreshToken),
    createdAt: now,
    lastUsedAt: now,
    expiresAt: DateTime.addDuration(now, settings.sessionTtl),
    ip: client.ip,
    userAgent: client.userAgent,
    revokedAt: Option.none()
  })
  yield* (yield* SessionRepository).insert(session)
  const access = yield* (yield* AccessTokens).issue({ userId: user.id, sessionId: session.id })
  return { accessToken: access.token, refreshToken, expiresInSeconds: access.expiresInSeconds } satisfies TokenPair
})
