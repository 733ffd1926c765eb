import { HttpApiBuilder } from "effect/http-api"
import { Effect, Option } from "effect"
import { listAuditLog } from "../../../application/identity/audit.js"
import { unlockAccount } from "../../../application/identity/lockout.js"
import { currentUser } from "../../../application/identity/current-user.js"
import { changePassword, forgotPassword, resetPassword } from "../../../application/identity/password.js"
import { listSessions, revokeOtherSessions, revokeSession } from "../../../application/identity/sessions.js"
import { SessionId } from "../../../domain/identity/session.js"
import { type ApiKey, ApiKeyId } from "../../../domain/identity/api-key.js"
import { createApiKey, listApiKeys, revokeApiKey } from "../../../application/identity/api-keys.js"
import { confirmTwoFactor, disableTwoFactor, enableTwoFactor, verifyLoginChallenge } from "../../../application/identity/two-factor.js"
import { resendVerification, verifyEmail } from "../../../application/identity/email-verification.js"
import { login } from "../../../application/identity/login.js"
import { logout } from "../../../application/identity/logout.js"
import { refresh } from "../../../application/identity/refresh.js"
import { register } from "../../../application/identity/register.js"
import type { TokenPair } from "../../../application/identity/tokens.js"
import type { User } from "../../../domain/identity/user.js"
import { BrainOpsApi } from "../api.js"
import { Authentication, CurrentActor } from "../current-actor.js"
import { httpErrors, passwordField } from "../error-mapping.js"
import { toPageRequest, toPageResponse } from "../pagination.js"
import {
  Accepted,
  ApiKeyResponse,
  AuditEventResponse,
  CreatedApiKeyResponse,
  RecoveryCodesResponse,
  RevokedSessions,
  SessionResponse,
  TokenResponse,
  TwoFactorChallengeResponse,
  TwoFactorSetupResponse,
  UserResponse
} from "../identity-schemas.js"
import { capturingOnly } from "../captured-context.js"
import { MailOutbox } from "../../../application/ports/mail-outbox.js"
import { SecretTokens } from "../../../application/ports/secret-tokens.js"
import { Ids } from "../../../application/ports/ids.js"
import { OneTimeTokens } from "../../../application/ports/one-time-tokens.js"
import { SecretBox } from "../../../application/ports/secret-box.js"
import { RateLimitSettings } from "../../../application/identity/limits.js"
import { UnitOfWork } from "../../../application/ports/unit-of-work.js"
import { Totp } from "../../../application/ports/totp.js"
import { MailSettings } from "../../../application/mail/settings.js"
import { AccessTokens } from "../../../application/ports/access-tokens.js"
import { UserRepository } from "../../../application/ports/user-repository.js"
import { SessionRepository } from "../../../application/ports/session-repository.js"
import { AuditLog } from "../../../application/ports/audit-log.js"
import { PasswordHasher } from "../../../application/ports/password-hasher.js"
import { TwoFactorRepository } from "../../../application/ports/two-factor-repository.js"
import { IdentitySettings } from "../../../application/identity/settings.js"
import { RateLimiter } from "../../../application/ports/rate-limiter.js"
import { ApiKeyRepository } from "../../../application/ports/api-key-repository.js"

export const toUserResponse = (user: User) =>
  new UserResponse({
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    email_verified: Option.isSome(user.emailVerifiedAt),
    created_at: user.createdAt
  })

const toApiKeyResponse = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  scopes: key.scopes,
  expires_at: Option.getOrNull(key.expiresAt),
  last_used_at: Option.getOrNull(key.lastUsedAt),
  created_at: key.createdAt
})

const toTokenResponse = (pair: TokenPair) =>
  new TokenResponse({
    access_token: pair.accessToken,
    refresh_token: pair.refreshToken,
    token_type: "bearer",
    expires_in: pair.expiresInSeconds
  })

const AuthGroup = HttpApiBuilder.group(BrainOpsApi, "auth", (handlers) =>
  handlers
    .handle("register", ({ payload }) => register(payload).pipe(Effect.map(toUserResponse), httpErrors))
    .handle("login", ({ payload }) =>
      login({ email: payload.email, password: payload.password }).pipe(
        Effect.map((outcome) =>
          outcome._tag === "Tokens"
            ? toTokenResponse(outcome.tokens)
            : new TwoFactorChallengeResponse({ two_factor_required: true, challenge_token: outcome.challengeToken })
        ),
        httpErrors
      ))
    .handle("verifyTwoFactor", ({ payload }) =>
      verifyLoginChallenge(
        payload.challenge_token,
        payload.code !== undefined ? { _tag: "Totp", code: payload.code } : { _tag: "RecoveryCode", code: payload.recovery_code ?? "" }
      ).pipe(Effect.map(toTokenResponse), httpErrors))
    .handle("refresh", ({ payload }) => refresh(payload.refresh_token).pipe(Effect.map(toTokenResponse), httpErrors))
    .handle("verifyEmail", ({ payload }) => verifyEmail(payload.token).pipe(httpErrors))
    .handle("unlockAccount", ({ payload }) => unlockAccount(payload.token).pipe(httpErrors))
    .handle("forgotPassword", ({ payload }) =>
      forgotPassword(payload.email).pipe(
        Effect.as(new Accepted({ detail: "If an account uses this email, a reset link is on its way" })),
        httpErrors
      ))
    .handle("resetPassword", ({ payload }) =>
      resetPassword(payload.token, payload.new_password).pipe(httpErrors, passwordField("new_password"))))

const AccountGroup = HttpApiBuilder.group(BrainOpsApi, "account", (handlers) =>
  handlers
    .handle("enableTwoFactor", ({ payload }) =>
      Effect.flatMap(CurrentActor, (actor) => enableTwoFactor(actor, payload.password)).pipe(
        Effect.map(({ otpauthUrl, secret }) => new TwoFactorSetupResponse({ secret, otpauth_url: otpauthUrl })),
        httpErrors
      ))
    .handle("confirmTwoFactor", ({ payload }) =>
      Effect.flatMap(CurrentActor, (actor) => confirmTwoFactor(actor, payload.code)).pipe(
        Effect.map((codes) => new RecoveryCodesResponse({ recovery_codes: codes })),
        httpErrors
      ))
    .handle("disableTwoFactor", ({ payload }) =>
      Effect.flatMap(CurrentActor, (actor) => disableTwoFactor(actor, payload.password, payload.code)).pipe(httpErrors))
    .handle("createApiKey", ({ payload }) =>
      Effect.flatMap(CurrentActor, (actor) =>
        createApiKey(actor, { name: payload.name, scopes: payload.scopes, expiresAt: Option.fromNullishOr(payload.expires_at) })).pipe(
          Effect.map(({ apiKey, key }) => new CreatedApiKeyResponse({ ...toApiKeyResponse(apiKey), key })),
          httpErrors
        ))
    .handle("listApiKeys", ({ query }) =>
      Effect.flatMap(CurrentActor, (actor) => listApiKeys(actor, toPageRequest(query))).pipe(
        Effect.map((page) => toPageResponse(page, (k) => new ApiKeyResponse(toApiKeyResponse(k)))),
        httpErrors
      ))
    .handle("revokeApiKey", ({ params }) =>
      Effect.flatMap(CurrentActor, (actor) => revokeApiKey(actor, ApiKeyId.make(params.id))).pipe(httpErrors))
    .handle("logout", () => Effect.flatMap(CurrentActor, logout).pipe(httpErrors))
    .handle("me", () => Effect.flatMap(CurrentActor, currentUser).pipe(Effect.map(toUserResponse), httpErrors))
    .handle("resendVerification", () =>
      Effect.flatMap(CurrentActor, resendVerification).pipe(
        Effect.as(new Accepted({ detail: "A new verification link is on its way" })),
        httpErrors
      ))
    .handle("changePassword", ({ payload }) =>
      Effect.flatMap(CurrentActor, (actor) => changePassword(actor, payload.current_password, payload.new_password)).pipe(
        httpErrors,
        passwordField("new_password")
      ))
    .handle("listSessions", ({ query }) =>
      Effect.flatMap(CurrentActor, (actor) => listSessions(actor, toPageRequest(query))).pipe(
        Effect.map((page) =>
          toPageResponse(page, ({ current, session }) =>
            new SessionResponse({
              id: session.id,
              device: Option.getOrNull(session.userAgent),
              ip: Option.getOrNull(session.ip),
              created_at: session.createdAt,
              last_used_at: session.lastUsedAt,
              expires_at: session.expiresAt,
              current
            }))
        ),
        httpErrors
      ))
    .handle("revokeSession", ({ params }) =>
      Effect.flatMap(CurrentActor, (actor) => revokeSession(actor, SessionId.make(params.id))).pipe(httpErrors))
    .handle("revokeOtherSessions", () =>
      Effect.flatMap(CurrentActor, revokeOtherSessions).pipe(
        Effect.map((revoked) => new RevokedSessions({ revoked })),
        httpErrors
      ))
    .handle("auditLog", ({ query }) =>
      Effect.flatMap(CurrentActor, (actor) => listAuditLog(actor, toPageRequest(query))).pipe(
        Effect.map((page) =>
          toPageResponse(page, (event) =>
            new AuditEventResponse({
              id: event.id,
              type: event.type,
              ip: Option.getOrNull(event.ip),
              user_agent: Option.getOrNull(event.userAgent),
              details: event.details,
              created_at: event.createdAt
            }))
        ),
        httpErrors
      )))

export const AuthHandlers = capturingOnly(AuthGroup, AccessTokens, ApiKeyRepository, AuditLog, IdentitySettings, Ids, MailOutbox, MailSettings, OneTimeTokens, PasswordHasher, RateLimitSettings, RateLimiter, SecretBox, SecretTokens, SessionRepository, Totp, TwoFactorRepository, UnitOfWork, UserRepository)

export const AccountHandlers = capturingOnly(AccountGroup, ApiKeyRepository, AuditLog, Authentication, Ids, MailOutbox, MailSettings, OneTimeTokens, PasswordHasher, RateLimitSettings, RateLimiter, SecretBox, SecretTokens, SessionRepository, Totp, TwoFactorRepository, UnitOfWork, UserRepository)
