import { Clock, Duration, Effect, Layer, Redacted, Schema } from "effect"
import * as jose from "jose"
import { type AccessClaims, AccessTokens } from "../../application/ports/access-tokens.js"
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
 * Tokens whose signature and claims were verified, by their exact text, with their expiry: a client
 * sends the same access token on every request until it expires, and verifying its HMAC again (an
 * async WebCrypto job) was a tenth of the CPU of an authenticated request. A hit still checks expiry
 * against the Clock; revocation never depended on this (the session is read on every request).
 * Oldest first out when full.
 */
export const VERIFIED_TOKENS_MAX = 10_000

interface Verified {
  readonly claims: AccessClaims
  readonly expiresAtSeconds: number
}

/**
 * HS256 access tokens. The algorithm is pinned on verify (no `alg: none`, no key confusion), and
 * `iat`/`exp` come from the Effect Clock so expiry is exact under TestClock.
 */
export const AccessTokensJose = (signingKey: Redacted.Redacted<string>) =>
  Layer.effect(
    AccessTokens,
    Effect.gen(function*() {
      const settings = yield* IdentitySettings
      // Imported once: given raw bytes, jose imports the key again on every sign and verify.
      const key = yield* Effect.promise(() =>
        crypto.subtle.importKey("raw", new TextEncoder().encode(Redacted.value(signingKey)), { name: "HMAC", hash: "SHA-256" }, false, [
          "sign",
          "verify"
        ])
      )
      const verified = new Map<string, Verified>()
      const remember = (token: string, entry: Verified) => {
        if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!)
        verified.set(token, entry)
      }
      const ttlSeconds = Math.max(1, Math.floor(Duration.toSeconds(settings.accessTokenTtl)))
      const verifyAndRemember = (token: string, nowMs: number) =>
        Effect.gen(function*() {
          const { payload } = yield* Effect.tryPromise({
            try: () =>
              jose.jwtVerify(token, key, {
                algorithms: [ALGORITHM],
                issuer: ISSUER,
                audience: AUDIENCE,
                currentDate: new Date(nowMs),
                requiredClaims: ["sub", "sid", "exp", "iat", "jti"]
              }),
            catch: (error) =>
              new Unauthenticated({
                reason: error instanceof jose.errors.JWTExpired ? "access token expired" : "invalid access token"
              })
          })
          const decoded = yield* Effect.mapError(
            decodeClaims(payload),
            () => new Unauthenticated({ reason: "invalid access token claims" })
          )
          const claims: AccessClaims = { userId: decoded.sub, sessionId: decoded.sid }
          // requiredClaims made jose check that `exp` is a number.
          remember(token, { claims, expiresAtSeconds: payload.exp! })
          return claims
        })
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
          Effect.flatMap(Clock.currentTimeMillis, (nowMs) => {
            const known = verified.get(token)
            if (known === undefined) return verifyAndRemember(token, nowMs)
            // jose's rule: a token is expired from its `exp` second on.
            if (Math.floor(nowMs / 1000) < known.expiresAtSeconds) return Effect.succeed(known.claims)
            verified.delete(token)
            return Effect.fail(new Unauthenticated({ reason: "access token expired" }))
          })
      })
    })
  )
