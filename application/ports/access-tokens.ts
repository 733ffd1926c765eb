import { Context, type Effect } from "effect"
import type { Unauthenticated } from "../../domain/identity/errors.js"
import type { SessionId } from "../../domain/identity/session.js"
import type { UserId } from "../../domain/identity/user.js"

export interface AccessClaims {
  readonly userId: UserId
  readonly sessionId: SessionId
}

export interface IssuedAccessToken {
  readonly token: string
  readonly expiresInSeconds: number
}

/** Short-lived signed access tokens (JWT). Verification pins the algorithm and checks expiry against the Clock. */
export class AccessTokens extends Context.Service<AccessTokens, {
  readonly issue: (claims: AccessClaims) => Effect.Effect<IssuedAccessToken>
  readonly verify: (token: string) => Effect.Effect<AccessClaims, Unauthenticated>
}>()("AccessTokens") {}
