import { Clock, Duration, Effect, Layer, Redacted, Schema } from "effect"
import * as jose from "jose"
import { AccessTokens } from "../../application/ports/access-tokens.js"
import { IdentitySettings } from "../../application/identity/settings.js"
import { Unauthenticated } from "../../domain/identity/errors.js"
import { SessionId } from "../../domain/identity/session.js"
import { UserId } from "../../domain/identity/user.js"

const ALGORITHM = "HS256"
const ISSUER = "brainops"
const AUDIENCE = "brainops-api"

const Claims = Schema.Struct({ sub: UserId, sid: SessionId })
const decodeClaims = Schema.decodeUnknownEffect(Claims)

/**
 * HS256 access tokens. The algorithm is pinned on verify (no `alg: none`, no key confusion), and
 * `iat`/`exp` come from the Effect Clock so expiry is exact under TestClock.
 */
export const AccessTokensJose = (signingKey: Redacted.Redacted<string>) =>
  Layer.effect(
    AccessTokens,
    Effect.gen(function*() {
      const settings = yield* IdentitySettings
      const key = new TextEncoder().encode(Redacted.value(signingKey))
      const ttlSeconds = Math.max(1, Math.floor(Duration.toSeconds(settings.accessTokenTtl)))
      return AccessTokens.of({
        issue: (claims) =>
          Effect.gen(function*() {
            const nowSeconds = Math.floor((yield* Clock.currentTimeMillis) / 1000)
            const token = yield* Effect.promise(() =>
              new jose.SignJWT({ sid: claims.sessionId })
                .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
                .setSubject(claims.userId)
                .setIssuer(ISSUER)
                .setAudience(AUDIENCE)
                .setIssuedAt(nowSeconds)
                .setExpirationTime(nowSeconds + ttlSeconds)
                .setJti(crypto.randomUUID())
                .sign(key)
            )
            return { token, expiresInSeconds: ttlSeconds }
          }),
        verify: (token) =>
          Effect.gen(function*() {
            const now = new Date(yield* Clock.currentTimeMillis)
            const { payload } = yield* Effect.tryPromise({
              try: () =>
                jose.jwtVerify(token, key, {
                  algorithms: [ALGORITHM],
                  issuer: ISSUER,
                  audience: AUDIENCE,
                  currentDate: now,
                  requiredClaims: ["sub", "sid", "exp", "iat", "jti"]
                }),
              catch: (error) =>
                new Unauthenticated({
                  reason: error instanceof jose.errors.JWTExpired ? "access token expired" : "invalid access token"
                })
            })
            const claims = yield* Effect.mapError(
              decodeClaims(payload),
              () => new Unauthenticated({ reason: "invalid access token claims" })
            )
            return { userId: claims.sub, sessionId: claims.sid }
          })
      })
    })
  )
