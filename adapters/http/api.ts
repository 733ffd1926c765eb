import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { BadRequest, Conflict, Forbidden, NotFound, ServiceUnavailable, TooManyRequests, Unauthorized, ValidationFailed } from "./errors.js"
import {
  Accepted,
  ApiKeyResponse,
  CreateApiKeyRequest,
  CreatedApiKeyResponse,
  AuditEventResponse,
  ChangePasswordRequest,
  CodeRequest,
  DisableTwoFactorRequest,
  ForgotPasswordRequest,
  LoginRequest,
  OutboxMailResponse,
  PasswordRequest,
  RecoveryCodesResponse,
  RefreshRequest,
  RegisterRequest,
  ResetPasswordRequest,
  RevokedSessions,
  SessionResponse,
  TokenRequest,
  TokenResponse,
  TwoFactorChallengeResponse,
  TwoFactorSetupResponse,
  UserResponse,
  VerifyTwoFactorRequest
} from "./identity-schemas.js"
import { PageOf, PageQuery } from "./pagination.js"
import { MemoriesApi } from "./memories-api.js"
import { JobsApi } from "./jobs-api.js"
import { FilesApi } from "./files-api.js"
import { MarketplaceApi, MarketplacePublicApi } from "./marketplace-api.js"
import { MarketplaceWebhooksApi } from "./marketplace-webhooks-api.js"
import { ProjectsApi } from "./projects-api.js"
import { ReviewsApi, ReviewsPublicApi } from "./reviews-api.js"

export class SystemApi extends HttpApiGroup.make("system", { topLevel: true })
  .add(
    HttpApiEndpoint.get("health", "/health")
      .addSuccess(Schema.Struct({ status: Schema.Literal("ok") }))
      .annotate(OpenApi.Summary, "The process is alive")
  )
  .add(
    HttpApiEndpoint.get("ready", "/ready")
      .addSuccess(Schema.Struct({
        status: Schema.Literal("ready"),
        database: Schema.Literal("ok"),
        migrations: Schema.Struct({ applied: Schema.Int, expected: Schema.Int })
      }))
      .addError(ServiceUnavailable)
      .annotate(OpenApi.Summary, "The database answers and every migration is applied")
  )
{}

export class AuthApi extends HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("register", "/register")
      .setPayload(RegisterRequest)
      .addSuccess(UserResponse, { status: 201 })
      .addError(Conflict)
      .annotate(OpenApi.Summary, "Create an account")
  )
  .add(
    HttpApiEndpoint.post("login", "/login")
      .setPayload(LoginRequest)
      .addSuccess(Schema.Union(TokenResponse, TwoFactorChallengeResponse))
      .addError(Unauthorized)
      .annotate(OpenApi.Summary, "Exchange email and password for tokens")
  )
  .add(
    HttpApiEndpoint.post("refresh", "/refresh")
      .setPayload(RefreshRequest)
      .addSuccess(TokenResponse)
      .addError(Unauthorized)
      .annotate(OpenApi.Summary, "Rotate the refresh token; a reused one ends its session")
  )
  .add(
    HttpApiEndpoint.post("logout", "/logout")
      .addSuccess(HttpApiSchema.NoContent)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "End the current session")
  )
  .add(
    HttpApiEndpoint.get("me", "/me")
      .addSuccess(UserResponse)
      .middleware(Authentication)
      .annotate(Access, Access.authenticated)
      .annotate(OpenApi.Summary, "The current user")
  )
  .add(
    HttpApiEndpoint.post("verifyEmail", "/verify-email")
      .setPayload(TokenRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(BadRequest)
      .annotate(OpenApi.Summary, "Confirm the email address with the token from the verification mail")
  )
  .add(
    HttpApiEndpoint.post("resendVerification", "/resend-verification")
      .addSuccess(Accepted, { status: 202 })
      .addError(Conflict)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Mail a new verification link (older ones stop working)")
  )
  .add(
    HttpApiEndpoint.post("unlockAccount", "/unlock")
      .setPayload(TokenRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(BadRequest)
      .annotate(OpenApi.Summary, "Lift a lockout with the token from the lockout mail (it also lifts by itself)")
  )
  .add(
    HttpApiEndpoint.post("forgotPassword", "/forgot-password")
      .setPayload(ForgotPasswordRequest)
      .addSuccess(Accepted, { status: 202 })
      .annotate(OpenApi.Summary, "Mail a password-reset link if the account exists (the answer is the same either way)")
  )
  .add(
    HttpApiEndpoint.post("resetPassword", "/reset-password")
      .setPayload(ResetPasswordRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(BadRequest)
      .annotate(OpenApi.Summary, "Set a new password with the token from the reset mail; ends every session")
  )
  .add(
    HttpApiEndpoint.post("changePassword", "/change-password")
      .setPayload(ChangePasswordRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(Forbidden)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Change the password (needs the current one); ends every other session")
  )
  .add(
    HttpApiEndpoint.get("listSessions", "/sessions")
      .setUrlParams(PageQuery)
      .addSuccess(PageOf(SessionResponse))
      .addError(BadRequest)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "The caller's active sessions, newest first")
  )
  .add(
    HttpApiEndpoint.del("revokeSession", "/sessions/:id")
      .setPath(Schema.Struct({ id: Schema.UUID }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
      .addError(Forbidden)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "End one of the caller's sessions")
  )
  .add(
    HttpApiEndpoint.del("revokeOtherSessions", "/sessions")
      .addSuccess(RevokedSessions)
      .addError(Forbidden)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "End every session of the caller but the current one")
  )
  .add(
    HttpApiEndpoint.get("auditLog", "/audit-log")
      .setUrlParams(PageQuery)
      .addSuccess(PageOf(AuditEventResponse))
      .addError(BadRequest)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "The caller's security events, newest first")
  )
  .add(
    HttpApiEndpoint.post("enableTwoFactor", "/two-factor/enable")
      .setPayload(PasswordRequest)
      .addSuccess(TwoFactorSetupResponse)
      .addError(Conflict)
      .addError(Forbidden)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Start a TOTP setup (not active until confirmed)")
  )
  .add(
    HttpApiEndpoint.post("confirmTwoFactor", "/two-factor/confirm")
      .setPayload(CodeRequest)
      .addSuccess(RecoveryCodesResponse)
      .addError(Conflict)
      .addError(Forbidden)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Activate 2FA with a code from the app; answers 10 one-time recovery codes")
  )
  .add(
    HttpApiEndpoint.post("disableTwoFactor", "/two-factor/disable")
      .setPayload(DisableTwoFactorRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(Conflict)
      .addError(Forbidden)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Turn 2FA off (needs the password and a code)")
  )
  .add(
    HttpApiEndpoint.post("verifyTwoFactor", "/two-factor/verify")
      .setPayload(VerifyTwoFactorRequest)
      .addSuccess(TokenResponse)
      .addError(Unauthorized)
      .annotate(OpenApi.Summary, "The second step of a login: a TOTP code or a recovery code for the challenge")
  )
  .add(
    HttpApiEndpoint.post("createApiKey", "/api-keys")
      .setPayload(CreateApiKeyRequest)
      .addSuccess(CreatedApiKeyResponse, { status: 201 })
      .addError(Forbidden)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Create an API key with scopes; the key is in this answer only")
  )
  .add(
    HttpApiEndpoint.get("listApiKeys", "/api-keys")
      .setUrlParams(PageQuery)
      .addSuccess(PageOf(ApiKeyResponse))
      .addError(BadRequest)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "The caller's active API keys (prefix only), newest first")
  )
  .add(
    HttpApiEndpoint.del("revokeApiKey", "/api-keys/:id")
      .setPath(Schema.Struct({ id: Schema.UUID }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
      .addError(Forbidden)
      .middleware(Authentication)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Revoke an API key at once")
  )
  .prefix("/api/v1/auth")
{}

export class AdminApi extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.get("outbox", "/outbox")
      .setUrlParams(PageQuery)
      .addSuccess(PageOf(OutboxMailResponse))
      .addError(BadRequest)
      .addError(Forbidden)
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "The mail outbox, newest first (administrators; for development on the embedded profile)")
  )
  .middleware(Authentication)
  .prefix("/api/v1/admin")
{}

/**
 * HttpApi declares a 400 "HttpApiDecodeError" on every endpoint; this API answers decode failures
 * with 422 ValidationFailed instead (see error-mapping), so the document is corrected to match.
 */
const documentValidationErrors = (spec: Record<string, any>): Record<string, any> => {
  for (const operations of Object.values<Record<string, any>>(spec.paths ?? {})) {
    for (const operation of Object.values<any>(operations)) {
      const bad = operation?.responses?.["400"]
      if (bad && JSON.stringify(bad).includes("HttpApiDecodeError")) delete operation.responses["400"]
    }
  }
  delete spec.components?.schemas?.HttpApiDecodeError
  delete spec.components?.schemas?.Issue
  return spec
}

export class BrainOpsApi extends HttpApi.make("brainops")
  .add(SystemApi)
  .add(AuthApi)
  .add(AdminApi)
  .add(ProjectsApi)
  .add(MemoriesApi)
  .add(JobsApi)
  .add(FilesApi)
  .add(MarketplacePublicApi)
  .add(MarketplaceApi)
  .add(MarketplaceWebhooksApi)
  .add(ReviewsPublicApi)
  .add(ReviewsApi)
  .addError(ValidationFailed)
  .addError(ServiceUnavailable)
  .addError(TooManyRequests)
  .annotate(OpenApi.Title, "BrainOps API")
  .annotate(OpenApi.Version, "1")
  .annotate(OpenApi.Description, "Identity, memory and RAG, projects and tasks, and a marketplace.")
  .annotate(OpenApi.Transform, documentValidationErrors)
{}
