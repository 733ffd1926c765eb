import { Schema } from "effect"
import { RequestTimestamp } from "./request-fields.js"
import { Scope } from "../../domain/identity/actor.js"
import { ApiKeyName } from "../../domain/identity/api-key.js"
import { Email, Role, UserName } from "../../domain/identity/user.js"


/** Passwords arrive as strings and are wrapped at once, so no log line or error can print them. */
const Password = Schema.RedactedFromValue(Schema.String.pipe(Schema.check(Schema.isMaxLength(1024, { message: "password is too long" }))))

export const RegisterRequest = Schema.Struct({
  email: Email,
  password: Password,
  name: UserName
})

export const LoginRequest = Schema.Struct({
  email: Email,
  password: Password
})

export const RefreshRequest = Schema.Struct({
  refresh_token: Schema.String.pipe(
    Schema.check(Schema.isMinLength(1, { message: "refresh_token must not be empty" })),
    Schema.check(Schema.isMaxLength(512, { message: "refresh_token is too long" }))
  )
})

export class UserResponse extends Schema.Class<UserResponse>("UserResponse")({
  id: Schema.String.check(Schema.isUUID()),
  email: Schema.String,
  name: Schema.String,
  role: Role,
  email_verified: Schema.Boolean,
  created_at: Schema.DateTimeUtcFromString
}) {}

export class TokenResponse extends Schema.Class<TokenResponse>("TokenResponse")({
  access_token: Schema.String,
  refresh_token: Schema.String,
  token_type: Schema.Literal("bearer"),
  expires_in: Schema.Int.annotate({ description: "Seconds until the access token expires" })
}) {}

export const TokenRequest = Schema.Struct({
  token: Schema.String.pipe(
    Schema.check(Schema.isMinLength(1, { message: "token must not be empty" })),
    Schema.check(Schema.isMaxLength(512, { message: "token is too long" }))
  )
})

export class Accepted extends Schema.Class<Accepted>("Accepted")({ detail: Schema.String }) {}

export class OutboxMailResponse extends Schema.Class<OutboxMailResponse>("OutboxMailResponse")({
  id: Schema.String.check(Schema.isUUID()),
  to: Schema.String,
  subject: Schema.String,
  text: Schema.String,
  html: Schema.String,
  status: Schema.Literals(["pending", "sent", "failed"]),
  attempts: Schema.Int,
  last_error: Schema.NullOr(Schema.String),
  created_at: Schema.DateTimeUtcFromString,
  sent_at: Schema.NullOr(Schema.DateTimeUtcFromString)
}) {}

export const ForgotPasswordRequest = Schema.Struct({ email: Email })

export const ResetPasswordRequest = Schema.Struct({
  token: TokenRequest.fields.token,
  new_password: Password
})

export const ChangePasswordRequest = Schema.Struct({
  current_password: Password,
  new_password: Password
})

export class SessionResponse extends Schema.Class<SessionResponse>("SessionResponse")({
  id: Schema.String.check(Schema.isUUID()),
  device: Schema.NullOr(Schema.String).annotate({ description: "The User-Agent that signed in" }),
  ip: Schema.NullOr(Schema.String),
  created_at: Schema.DateTimeUtcFromString,
  last_used_at: Schema.DateTimeUtcFromString,
  expires_at: Schema.DateTimeUtcFromString,
  current: Schema.Boolean
}) {}

export class RevokedSessions extends Schema.Class<RevokedSessions>("RevokedSessions")({ revoked: Schema.Int }) {}

export class AuditEventResponse extends Schema.Class<AuditEventResponse>("AuditEventResponse")({
  id: Schema.String.check(Schema.isUUID()),
  type: Schema.String,
  ip: Schema.NullOr(Schema.String),
  user_agent: Schema.NullOr(Schema.String),
  details: Schema.Record(Schema.String, Schema.String),
  created_at: Schema.DateTimeUtcFromString
}) {}

export class TwoFactorChallengeResponse extends Schema.Class<TwoFactorChallengeResponse>("TwoFactorChallengeResponse")({
  two_factor_required: Schema.Literal(true),
  challenge_token: Schema.String.annotate({ description: "Send it to /auth/two-factor/verify with a code, within 5 minutes" })
}) {}

const TotpCode = Schema.String.pipe(Schema.check(Schema.isPattern(/^\d{6}$/, { message: "code must be 6 digits" })))

export const PasswordRequest = Schema.Struct({ password: Password })
export const CodeRequest = Schema.Struct({ code: TotpCode })
export const DisableTwoFactorRequest = Schema.Struct({
  password: Password,
  code: Schema.String.pipe(
    Schema.check(Schema.isMinLength(1, { message: "code must not be empty" })),
    Schema.check(Schema.isMaxLength(64, { message: "code is too long" }))
  ).annotate({ description: "A current authenticator code, or an unused recovery code" })
})

export const VerifyTwoFactorRequest = Schema.Struct({
  challenge_token: TokenRequest.fields.token,
  code: Schema.optional(TotpCode),
  recovery_code: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMinLength(1)), Schema.check(Schema.isMaxLength(64))))
}).pipe(
  Schema.check(Schema.makeFilter((body) => (body.code === undefined) !== (body.recovery_code === undefined) || {
    path: ["code"],
    issue: "send exactly one of code or recovery_code"
  }))
)

export class TwoFactorSetupResponse extends Schema.Class<TwoFactorSetupResponse>("TwoFactorSetupResponse")({
  secret: Schema.String.annotate({ description: "Base32 secret for the authenticator app" }),
  otpauth_url: Schema.String
}) {}

export class RecoveryCodesResponse extends Schema.Class<RecoveryCodesResponse>("RecoveryCodesResponse")({
  recovery_codes: Schema.Array(Schema.String).annotate({ description: "Shown once: each signs in once in place of a code" })
}) {}

export const CreateApiKeyRequest = Schema.Struct({
  name: ApiKeyName,
  scopes: Schema.Array(Scope).pipe(Schema.check(Schema.isMinLength(1, { message: "scopes must name at least one scope" }))),
  expires_at: Schema.optional(RequestTimestamp)
})

export class ApiKeyResponse extends Schema.Class<ApiKeyResponse>("ApiKeyResponse")({
  id: Schema.String.check(Schema.isUUID()),
  name: Schema.String,
  prefix: Schema.String,
  scopes: Schema.Array(Scope),
  expires_at: Schema.NullOr(Schema.DateTimeUtcFromString),
  last_used_at: Schema.NullOr(Schema.DateTimeUtcFromString),
  created_at: Schema.DateTimeUtcFromString
}) {}

export class CreatedApiKeyResponse extends Schema.Class<CreatedApiKeyResponse>("CreatedApiKeyResponse")({
  ...ApiKeyResponse.fields,
  key: Schema.String.annotate({ description: "The full key: shown this once, never again" })
}) {}
