import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { Schema } from "effect"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { ApiErrors, BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from "./errors.js"
import {
  Accepted,
  ApiKeyResponse,
  AuditEventResponse,
  ChangePasswordRequest,
  CodeRequest,
  CreateApiKeyRequest,
  CreatedApiKeyResponse,
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

export class SystemApi extends HttpApiGroup.make("system", { topLevel: true }).add(
  HttpApiEndpoint.get("health", "/health", {
    success: Schema.Struct({ status: Schema.Literal("ok") }),
    error: ApiErrors
  }).annotate(OpenApi.Summary, "The process is alive"),
  HttpApiEndpoint.get("ready", "/ready", {
    success: Schema.Struct({
      status: Schema.Literal("ready"),
      database: Schema.Literal("ok"),
      migrations: Schema.Struct({ applied: Schema.Int, expected: Schema.Int })
    }),
    error: ApiErrors
  }).annotate(OpenApi.Summary, "The database answers and every migration is applied")
) {}

const IdPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()) })

/** /auth without a caller: signing up and in, and the links mailed for email, password and lockout. */
export class AuthApi extends HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("register", "/register", {
      payload: RegisterRequest,
      success: UserResponse.pipe(HttpApiSchema.status(201)),
      error: [Conflict, ...ApiErrors]
    }).annotate(OpenApi.Summary, "Create an account"),
    HttpApiEndpoint.post("login", "/login", {
      payload: LoginRequest,
      success: [TokenResponse, TwoFactorChallengeResponse],
      error: [Unauthorized, ...ApiErrors]
    }).annotate(OpenApi.Summary, "Exchange email and password for tokens"),
    HttpApiEndpoint.post("refresh", "/refresh", {
      payload: RefreshRequest,
      success: TokenResponse,
      error: [Unauthorized, ...ApiErrors]
    }).annotate(OpenApi.Summary, "Rotate the refresh token; a reused one ends its session"),
    HttpApiEndpoint.post("verifyEmail", "/verify-email", {
      payload: TokenRequest,
      success: HttpApiSchema.NoContent,
      error: [BadRequest, ...ApiErrors]
    }).annotate(OpenApi.Summary, "Confirm the email address with the token from the verification mail"),
    HttpApiEndpoint.post("unlockAccount", "/unlock", {
      payload: TokenRequest,
      success: HttpApiSchema.NoContent,
      error: [BadRequest, ...ApiErrors]
    }).annotate(OpenApi.Summary, "Lift a lockout with the token from the lockout mail (it also lifts by itself)"),
    HttpApiEndpoint.post("forgotPassword", "/forgot-password", {
      payload: ForgotPasswordRequest,
      success: Accepted.pipe(HttpApiSchema.status(202)),
      error: ApiErrors
    }).annotate(OpenApi.Summary, "Mail a password-reset link if the account exists (the answer is the same either way)"),
    HttpApiEndpoint.post("resetPassword", "/reset-password", {
      payload: ResetPasswordRequest,
      success: HttpApiSchema.NoContent,
      error: [BadRequest, ...ApiErrors]
    }).annotate(OpenApi.Summary, "Set a new password with the token from the reset mail; ends every session"),
    HttpApiEndpoint.post("verifyTwoFactor", "/two-factor/verify", {
      payload: VerifyTwoFactorRequest,
      success: TokenResponse,
      error: [Unauthorized, ...ApiErrors]
    }).annotate(OpenApi.Summary, "The second step of a login: a TOTP code or a recovery code for the challenge")
  )
  .prefix("/api/v1/auth")
{}

/** /auth for a signed-in caller: the session, the password, 2FA and API keys. */
export class AccountApi extends HttpApiGroup.make("account")
  .add(
    HttpApiEndpoint.post("logout", "/logout", { success: HttpApiSchema.NoContent, error: ApiErrors })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "End the current session"),
    HttpApiEndpoint.get("me", "/me", { success: UserResponse, error: ApiErrors })
      .annotate(Access, Access.authenticated)
      .annotate(OpenApi.Summary, "The current user"),
    HttpApiEndpoint.post("resendVerification", "/resend-verification", {
      success: Accepted.pipe(HttpApiSchema.status(202)),
      error: [Conflict, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Mail a new verification link (older ones stop working)"),
    HttpApiEndpoint.post("changePassword", "/change-password", {
      payload: ChangePasswordRequest,
      success: HttpApiSchema.NoContent,
      error: [Forbidden, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Change the password (needs the current one); ends every other session"),
    HttpApiEndpoint.get("listSessions", "/sessions", {
      query: PageQuery,
      success: PageOf(SessionResponse),
      error: [BadRequest, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "The caller's active sessions, newest first"),
    HttpApiEndpoint.delete("revokeOtherSessions", "/sessions", {
      success: RevokedSessions,
      error: [Forbidden, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "End every session of the caller but the current one"),
    HttpApiEndpoint.delete("revokeSession", "/sessions/:id", {
      params: IdPath,
      success: HttpApiSchema.NoContent,
      error: [NotFound, Forbidden, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "End one of the caller's sessions"),
    HttpApiEndpoint.get("auditLog", "/audit-log", {
      query: PageQuery,
      success: PageOf(AuditEventResponse),
      error: [BadRequest, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "The caller's security events, newest first"),
    HttpApiEndpoint.post("enableTwoFactor", "/two-factor/enable", {
      payload: PasswordRequest,
      success: TwoFactorSetupResponse,
      error: [Conflict, Forbidden, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Start a TOTP setup (not active until confirmed)"),
    HttpApiEndpoint.post("confirmTwoFactor", "/two-factor/confirm", {
      payload: CodeRequest,
      success: RecoveryCodesResponse,
      error: [Conflict, Forbidden, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Activate 2FA with a code from the app; answers 10 one-time recovery codes"),
    HttpApiEndpoint.post("disableTwoFactor", "/two-factor/disable", {
      payload: DisableTwoFactorRequest,
      success: HttpApiSchema.NoContent,
      error: [Conflict, Forbidden, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Turn 2FA off (needs the password and a code)"),
    HttpApiEndpoint.post("createApiKey", "/api-keys", {
      payload: CreateApiKeyRequest,
      success: CreatedApiKeyResponse.pipe(HttpApiSchema.status(201)),
      error: [Conflict, Forbidden, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Create an API key with scopes; the key is in this answer only"),
    HttpApiEndpoint.get("listApiKeys", "/api-keys", {
      query: PageQuery,
      success: PageOf(ApiKeyResponse),
      error: [BadRequest, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "The caller's active API keys (prefix only), newest first"),
    HttpApiEndpoint.delete("revokeApiKey", "/api-keys/:id", {
      params: IdPath,
      success: HttpApiSchema.NoContent,
      error: [NotFound, Forbidden, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "Revoke an API key at once")
  )
  .middleware(Authentication)
  .prefix("/api/v1/auth")
  .annotate(OpenApi.Title, "auth")
{}

export class AdminApi extends HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.get("outbox", "/outbox", {
      query: PageQuery,
      success: PageOf(OutboxMailResponse),
      error: [BadRequest, Forbidden, ...ApiErrors]
    })
      .annotate(Access, Access.session)
      .annotate(OpenApi.Summary, "The mail outbox, newest first (administrators; for development on the embedded profile)")
  )
  .middleware(Authentication)
  .prefix("/api/v1/admin")
{}

/**
 * The auth API is two groups, so that the signed-in half sets its middleware once; the document
 * still shows one "auth" tag, and the operations keep their "auth.*" ids.
 */
const oneAuthTag = (spec: Record<string, any>): Record<string, any> => {
  spec.tags = (spec.tags as Array<{ name: string }>).filter((tag, i, all) => all.findIndex((t) => t.name === tag.name) === i)
  for (const operations of Object.values<Record<string, any>>(spec.paths)) {
    for (const operation of Object.values<any>(operations)) {
      if (typeof operation?.operationId === "string" && operation.operationId.startsWith("account.")) {
        operation.operationId = `auth.${operation.operationId.slice("account.".length)}`
      }
    }
  }
  return spec
}

export class BrainOpsApi extends HttpApi.make("brainops")
  .add(
    SystemApi,
    AuthApi,
    AccountApi,
    AdminApi,
    ProjectsApi,
    MemoriesApi,
    JobsApi,
    FilesApi,
    MarketplacePublicApi,
    MarketplaceApi,
    MarketplaceWebhooksApi,
    ReviewsPublicApi,
    ReviewsApi
  )
  // Every invalid field is reported at once, not only the first.
  .annotate(HttpApi.PayloadParseOptions, { errors: "all" })
  .annotate(HttpApi.QueryParseOptions, { errors: "all" })
  .annotate(OpenApi.Title, "BrainOps API")
  .annotate(OpenApi.Version, "1")
  .annotate(OpenApi.Description, "Identity, memory and RAG, projects and tasks, and a marketplace.")
  .annotate(OpenApi.Transform, oneAuthTag)
{}
