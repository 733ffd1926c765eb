import { Layer, Option, Redacted } from "effect"
import { RateLimitSettings } from "../application/identity/limits.js"
import { IdentitySettings } from "../application/identity/settings.js"
import { PasswordHasherArgon2 } from "../adapters/argon2/password-hasher.argon2.js"
import { IdsUuidV7 } from "../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../adapters/crypto/secret-tokens.node.js"
import { AccessTokensJose } from "../adapters/jwt/access-tokens.jose.js"
import { ReadinessSql } from "../adapters/sql/migrator.js"
import { SessionRepositorySql } from "../adapters/sql/session-repository.sql.js"
import { UserRepositorySql } from "../adapters/sql/user-repository.sql.js"
import { AuditLogSql } from "../adapters/sql/audit-log.sql.js"
import { SecretBoxAesGcm } from "../adapters/crypto/secret-box.aes-gcm.js"
import { TwoFactorRepositorySql } from "../adapters/sql/two-factor-repository.sql.js"
import { TotpOtplib } from "../adapters/totp/totp.otplib.js"
import { ApiKeyRepositorySql } from "../adapters/sql/api-key-repository.sql.js"
import { RateLimiterSql } from "../adapters/sql/rate-limiter.sql.js"
import { RateLimiterRedis } from "../adapters/rate-limits/rate-limiter.redis.js"
import { RequestRateLimiterBuffered } from "../adapters/rate-limits/request-limiter.buffered.js"
import { RequestRateLimiterDirect } from "../adapters/rate-limits/request-limiter.direct.js"
import { LastUseRecorderBuffered } from "../adapters/last-use/last-use-recorder.buffered.js"
import { QueryLogBuffered } from "../adapters/query-log/query-log.buffered.js"
import { ActivityLogSql } from "../adapters/sql/activity-log.sql.js"
import { CommentRepositorySql } from "../adapters/sql/comment-repository.sql.js"
import { ProjectRepositorySql } from "../adapters/sql/project-repository.sql.js"
import { TaskRepositorySql } from "../adapters/sql/task-repository.sql.js"
import { CollectionRepositorySql, MemoryRepositorySql } from "../adapters/sql/memory-repository.sql.js"
import { MemoryShareRepositorySql } from "../adapters/sql/memory-share-repository.sql.js"
import { MemoryAnalyticsSql, QueryLogSql } from "../adapters/sql/memory-analytics.sql.js"
import { JobQueueSql } from "../adapters/sql/job-queue.sql.js"
import { ProductRepositorySql } from "../adapters/sql/product-repository.sql.js"
import { OrderRepositorySql } from "../adapters/sql/order-repository.sql.js"
import { LicenseRepositorySql } from "../adapters/sql/license-repository.sql.js"
import { SellerDashboardSql } from "../adapters/sql/seller-dashboard.sql.js"
import { ReviewRepositorySql } from "../adapters/sql/review-repository.sql.js"
import { MailOutboxSql } from "../adapters/sql/mail-outbox.sql.js"
import { OneTimeTokensSql } from "../adapters/sql/one-time-tokens.sql.js"
import { UnitOfWorkSql } from "../adapters/sql/unit-of-work.sql.js"
import type { AppConfig } from "./config.js"
import { type Foundations, foundationsOf } from "./foundations.js"
import { lazyLayer } from "./lazy.js"
import { ContentHashNode } from "../adapters/crypto/content-hash.node.js"
import { FileStoreLive } from "./files.js"
import { PaymentsLive } from "./payments.js"
import { MailSettingsLive, MailerLive } from "./mail.js"
import { MemoryLimitSettings } from "../application/memory/limits.js"
import { AnswerGeneratorLive, QueryEmbedderLive, VectorIndexLive } from "./memory.js"
import type { Secrets } from "./secrets.js"

/**
 * Rate limits: with REDIS_URL, every policy counts in Redis, each request exactly; without it, in
 * the database, and the general per-request limit counts in process and adds up in batches, so an
 * authenticated read writes nothing.
 */
export const RateLimitsLive = (config: AppConfig) =>
  Option.match(config.redisUrl, {
    onNone: () => RequestRateLimiterBuffered(config.rateLimits.flushInterval).pipe(Layer.provideMerge(RateLimiterSql)),
    onSome: (url) =>
      RequestRateLimiterDirect.pipe(
        Layer.provideMerge(RateLimiterRedis("brainops:rl:")),
        Layer.provide(lazyLayer(() => import("@effect/platform-node/NodeRedis").then((NodeRedis) => NodeRedis.layer({ url: Redacted.value(url) }))))
      )
  })

/** How often the last uses of sessions and API keys (buffered in process) are written. */
const LAST_USE_FLUSH_INTERVAL = "5 seconds"
/** How often the searches and questions noted in process are written to the query log. */
const QUERY_LOG_FLUSH_INTERVAL = "1 second"

/**
 * Every port the use-cases need, wired for the configured profile. Built with the same `foundations`
 * layers (the same values) as a caller that started building them already, it shares theirs: layers
 * are memoised by identity within one build.
 */
export const AppServicesLive = (config: AppConfig, secrets: Secrets, foundations: Foundations = foundationsOf(config)) => {
  const settings = Layer.succeed(IdentitySettings, {
    accessTokenTtl: config.accessTokenTtl,
    sessionTtl: config.sessionTtl,
    resetTokenTtl: config.resetTokenTtl
  })
  const repositories = Layer.mergeAll(
    UserRepositorySql,
    SessionRepositorySql,
    ReadinessSql,
    OneTimeTokensSql,
    MailOutboxSql,
    UnitOfWorkSql,
    AuditLogSql,
    TwoFactorRepositorySql,
    ApiKeyRepositorySql,
    ProjectRepositorySql,
    TaskRepositorySql,
    CommentRepositorySql,
    ActivityLogSql,
    MemoryRepositorySql,
    CollectionRepositorySql,
    MemoryShareRepositorySql,
    JobQueueSql,
    ProductRepositorySql,
    OrderRepositorySql,
    LicenseRepositorySql,
    SellerDashboardSql,
    ReviewRepositorySql
  )
  const { database, embedder } = foundations
  const services = Layer.mergeAll(
    LastUseRecorderBuffered(LAST_USE_FLUSH_INTERVAL).pipe(Layer.provideMerge(repositories)),
    QueryLogBuffered(QUERY_LOG_FLUSH_INTERVAL).pipe(Layer.provide(Layer.merge(QueryLogSql, MemoryAnalyticsSql))),
    RateLimitsLive(config),
    MailerLive(config),
    TotpOtplib,
    SecretBoxAesGcm(secrets.encryptionKey),
    MailSettingsLive(config),
    IdsUuidV7,
    ContentHashNode,
    SecretTokensNode,
    PasswordHasherArgon2(config.hashConcurrency),
    AccessTokensJose(secrets.jwtSecret).pipe(Layer.provide(settings)),
    settings,
    Layer.succeed(RateLimitSettings, config.rateLimits),
    Layer.succeed(MemoryLimitSettings, config.memoryLimits),
    VectorIndexLive(config),
    AnswerGeneratorLive(config),
    QueryEmbedderLive,
    FileStoreLive(config, secrets),
    PaymentsLive(config)
  ).pipe(Layer.provide(Layer.merge(database, embedder)))
  // The embedder is also a port of its own (the job handlers use it); the same layer, built once.
  return Layer.merge(services, embedder)
}
