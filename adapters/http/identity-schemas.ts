import { Schema } from "effect"
import { Scope } from "../../domain/identity/actor.js"
import { Email, Role, UserName } from "../../domain/identity/user.js"

/** A request body: every invalid field is reported at once, not only the first. */
export const requestBody = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.Struct(fields).annotations({ parseOptions: { errors: "all" } })

/** Passwords arrive as strings and are wrapped at once, so no log line or error can print them. */
const Password = Schema.Redacted(Schema.String.pipe(Schema.maxLength(1024, { message: () => "password is too long" })))

export const RegisterRequest = requestBody({
  email: Email,
  password: Password,
  name: UserName
})

export const LoginRequest = requestBody({
  email: Email,
  password: Password
})

export const RefreshRequest = requestBody({
  refresh_token: Schema.String.pipe(
    Schema.minLength(1, { message: () => "refresh_token must not be empty" }),
    Schema.maxLength(512, { message: () => "refresh_token is too long" })
  )
})

export class UserResponse extends Schema.Class<UserResponse>("UserResponse")({
  id: Schema.UUID,
  email: Schema.String,
  name: Schema.String,
  role: Role,
  email_verified: Schema.Boolean,
  created_at: Schema.DateTimeUtc
}) {}

export class TokenResponse extends Schema.Class<TokenResponse>("TokenResponse")({
  access_token: Schema.String,
  refresh_token: Schema.String,
  token_type: Schema.Literal("bearer"),
  expires_in: Schema.Int.annotations({ description: "Seconds until the access token expires" })
}) {}

export const TokenRequest = requestBody({
  token: Schema.String.pipe(
    Schema.minLength(1, { message: () => "token must not be empty" }),
    Schema.maxLength(512, { message: () => "token is too long" })
  )
})

export class Accepted extends Schema.Class<Accepted>("Accepted")({ detail: Schema.String }) {}

export class OutboxMailResponse extends Schema.Class<OutboxMailResponse>("OutboxMailResponse")({
  id: Schema.UUID,
  to: Schema.String,
  subject: Schema.String,
  text: Schema.String,
  html: Schema.String,
  status: Schema.Literal("pending", "sent", "failed"),
  attempts: Schema.Int,
  last_error: Schema.NullOr(Schema.String),
  created_at: Schema.DateTimeUtc,
  sent_at: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export const ForgotPasswordRequest = requestBody({ email: Email })

export const ResetPasswordRequest = requestBody({
  token: TokenRequest.fields.token,
  new_password: Password
})

export const ChangePasswordRequest = requestBody({
  current_password: Password,
  new_password: Password
})

export class SessionResponse extends Schema.Class<SessionResponse>("SessionResponse")({
  id: Schema.UUID,
  device: Schema.NullOr(Schema.String).annotations({ description: "The User-Agent that signed in" }),
  ip: Schema.NullOr(Schema.String),
  created_at: Schema.DateTimeUtc,
  last_used_at: Schema.DateTimeUtc,
  expires_at: Schema.DateTimeUtc,
  current: Schema.Boolean
}) {}

export class RevokedSessions extends Schema.Class<RevokedSessions>("RevokedSessions")({ revoked: Schema.Int }) {}

export class AuditEventResponse extends Schema.Class<AuditEventResponse>("AuditEventResponse")({
  id: Schema.UUID,
  type: Schema.String,
  ip: Schema.NullOr(Schema.String),
  user_agent: Schema.NullOr(Schema.String),
  details: Schema.Record({ key: Schema.String, value: Schema.String }),
  created_at: Schema.DateTimeUtc
}) {}

export class TwoFactorChallengeResponse extends Schema.Class<TwoFactorChallengeResponse>("TwoFactorChallengeResponse")({
  two_factor_required: Schema.Literal(true),
  challenge_token: Schema.String.annotations({ description: "Send it to /auth/two-factor/verify with a code, within 5 minutes" })
}) {}

const TotpCode = Schema.String.pipe(Schema.pattern(/^\d{6}$/, { message: () => "code must be 6 digits" }))

export const PasswordRequest = requestBody({ password: Password })
export const CodeRequest = requestBody({ code: TotpCode })
export const DisableTwoFactorRequest = requestBody({
  password: Password,
  code: Schema.String.pipe(
    Schema.minLength(1, { message: () => "code must not be empty" }),
    Schema.maxLength(64, { message: () => "code is too long" })
  ).annotations({ description: "A current authenticator code, or an unused recovery code" })
})

export const VerifyTwoFactorRequest = Schema.Struct({
  challenge_token: TokenRequest.fields.token,
  code: Schema.optional(TotpCode),
  recovery_code: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)))
}).pipe(
  Schema.filter((body) => (body.code === undefined) !== (body.recovery_code === undefined) || {
    path: ["code"],
    message: "send exactly one of code or recovery_code"
  })
).annotations({ parseOptions: { errors: "all" } })

export class TwoFactorSetupResponse extends Schema.Class<TwoFactorSetupResponse>("TwoFactorSetupResponse")({
  secret: Schema.String.annotations({ description: "Base32 secret for the authenticator app" }),
  otpauth_url: Schema.String
}) {}

export class RecoveryCodesResponse extends Schema.Class<RecoveryCodesResponse>("RecoveryCodesResponse")({
  recovery_codes: Schema.Array(Schema.String).annotations({ description: "Shown once: each signs in once in place of a code" })
}) {}

export const CreateApiKeyRequest = requestBody({
  name: Schema.Trim.pipe(
    Schema.minLength(1, { message: () => "name must not be empty" }),
    Schema.maxLength(100, { message: () => "name must be at most 100 characters" })
  ),
  scopes: Schema.Array(Scope).pipe(Schema.minItems(1, { message: () => "scopes must name at least one scope" })),
  expires_at: Schema.optional(Schema.DateTimeUtc)
})

export class ApiKeyResponse extends Schema.Class<ApiKeyResponse>("ApiKeyResponse")({
  id: Schema.UUID,
  name: Schema.String,
  prefix: Schema.String,
  scopes: Schema.Array(Scope),
  expires_at: Schema.NullOr(Schema.DateTimeUtc),
  last_used_at: Schema.NullOr(Schema.DateTimeUtc),
  created_at: Schema.DateTimeUtc
}) {}

export class CreatedApiKeyResponse extends Schema.Class<CreatedApiKeyResponse>("CreatedApiKeyResponse")({
  ...ApiKeyResponse.fields,
  key: Schema.String.annotations({ description: "The full key: shown this once, never again" })
}) {}
