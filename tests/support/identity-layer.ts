import { Duration, Layer, Redacted } from "effect"
import { IdentitySettings } from "../../application/identity/settings.js"
import { MailSettings } from "../../application/mail/settings.js"
import { AuditLogMemory } from "../../adapters/in-memory/audit-log.memory.js"
import { TwoFactorRepositoryMemory } from "../../adapters/in-memory/two-factor-repository.memory.js"
import { SecretBoxAesGcm } from "../../adapters/crypto/secret-box.aes-gcm.js"
import { TotpOtplib } from "../../adapters/totp/totp.otplib.js"
import { ApiKeyRepositoryMemory } from "../../adapters/in-memory/api-key-repository.memory.js"
import { RateLimiterMemory } from "../../adapters/in-memory/rate-limiter.memory.js"
import { LastUseRecorderMemory } from "../../adapters/in-memory/last-use-recorder.memory.js"
import { RequestRateLimiterDirect } from "../../adapters/rate-limits/request-limiter.direct.js"
import { RateLimitSettings } from "../../application/identity/limits.js"
import { MailOutboxMemory } from "../../adapters/in-memory/mail-outbox.memory.js"
import { MailerMemory } from "../../adapters/in-memory/mailer.memory.js"
import { OneTimeTokensMemory } from "../../adapters/in-memory/one-time-tokens.memory.js"
import { UnitOfWorkMemory } from "../../adapters/in-memory/unit-of-work.memory.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../../adapters/crypto/secret-tokens.node.js"
import { PasswordHasherMemory } from "../../adapters/in-memory/password-hasher.memory.js"
import { SessionRepositoryMemory } from "../../adapters/in-memory/session-repository.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { AccessTokensJose } from "../../adapters/jwt/access-tokens.jose.js"

export const TEST_SETTINGS = {
  accessTokenTtl: Duration.minutes(15),
  sessionTtl: Duration.days(30),
  resetTokenTtl: Duration.minutes(30)
}

export const TEST_RATE_LIMITS = {
  apiPerMinute: 1000,
  loginPerMinutePerIp: 20,
  registerPerHourPerIp: 20,
  lockoutThreshold: 5,
  lockoutDuration: Duration.minutes(15)
}

const Settings = Layer.succeed(IdentitySettings, TEST_SETTINGS)

/** Every identity port on in-memory adapters (time and ids from the Effect Clock, so TestClock rules). */
export const IdentityTestLayer = Layer.mergeAll(
  AuditLogMemory,
  TwoFactorRepositoryMemory,
  RequestRateLimiterDirect.pipe(Layer.provideMerge(RateLimiterMemory)),
  Layer.succeed(RateLimitSettings, TEST_RATE_LIMITS),
  TotpOtplib,
  SecretBoxAesGcm(Redacted.make(Buffer.alloc(32, 9).toString("base64"))),
  OneTimeTokensMemory,
  MailOutboxMemory,
  MailerMemory,
  UnitOfWorkMemory,
  Layer.succeed(MailSettings, { publicBaseUrl: "https://app.test" }),
  // One UserRepositoryMemory, which the session and key adapters read roles from.
  LastUseRecorderMemory.pipe(
    Layer.provideMerge(Layer.merge(SessionRepositoryMemory, ApiKeyRepositoryMemory)),
    Layer.provideMerge(UserRepositoryMemory)
  ),
  PasswordHasherMemory,
  IdsUuidV7,
  SecretTokensNode,
  Settings,
  AccessTokensJose(Redacted.make("test-signing-key-with-at-least-32-characters")).pipe(Layer.provide(Settings))
)
