import { Config, ConfigError, Duration, Either, LogLevel, Option, Redacted, Schema } from "effect"
import { Email } from "../domain/identity/user.js"

const nonEmptyList = (name: string) =>
  Config.string(name).pipe(
    Config.withDefault(""),
    Config.map((raw) => raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0))
  )

const positiveInt = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.withDefault(fallback),
    Config.validate({ message: `${name} must be a positive integer`, validation: (n) => n > 0 })
  )

const positiveDuration = (name: string, fallback: Duration.DurationInput) =>
  Config.duration(name).pipe(
    Config.withDefault(Duration.decode(fallback)),
    Config.validate({
      message: `${name} must be a positive duration such as "15 minutes"`,
      validation: (d) => Duration.toMillis(d) > 0
    })
  )

/** JWT signing key: at least 32 characters (256 bits if random). */
const jwtSecret = Config.redacted("JWT_SECRET").pipe(
  Config.validate({
    message: "JWT_SECRET must be at least 32 characters",
    validation: (secret) => Redacted.value(secret).length >= 32
  }),
  Config.option
)

/** The key that encrypts secrets at rest (2FA): 32 bytes, base64. */
const encryptionKey = Config.redacted("ENCRYPTION_KEY").pipe(
  Config.validate({
    message: "ENCRYPTION_KEY must be 32 bytes encoded in base64 (e.g. `openssl rand -base64 32`)",
    validation: (key) => Buffer.from(Redacted.value(key), "base64").length === 32
  }),
  Config.option
)

const logLevel = Config.literal("trace", "debug", "info", "warning", "error", "none")("LOG_LEVEL").pipe(
  Config.withDefault("info" as const),
  Config.map((level) => {
    const byName = {
      trace: LogLevel.Trace,
      debug: LogLevel.Debug,
      info: LogLevel.Info,
      warning: LogLevel.Warning,
      error: LogLevel.Error,
      none: LogLevel.None
    } as const
    return byName[level]
  })
)

const databaseUrl = Config.redacted("DATABASE_URL").pipe(
  Config.validate({
    message: "DATABASE_URL must be a postgres:// or postgresql:// URL",
    validation: (url) => /^postgres(ql)?:\/\//.test(Redacted.value(url))
  }),
  Config.option
)

const adminBootstrap = Config.all({
  email: Config.string("BRAINOPS_ADMIN_EMAIL").pipe(Config.option),
  password: Config.redacted("BRAINOPS_ADMIN_PASSWORD").pipe(Config.option)
}).pipe(
  Config.mapOrFail(({ email, password }) => {
    if (Option.isSome(email) && Option.isSome(password)) {
      return Either.map(
        Schema.decodeEither(Email)(email.value),
        (valid) => Option.some({ email: valid, password: password.value })
      ).pipe(Either.mapLeft(() => ConfigError.InvalidData(["BRAINOPS_ADMIN_EMAIL"], "must be a valid email address")))
    }
    if (Option.isNone(email) && Option.isNone(password)) return Either.right(Option.none())
    const missing = Option.isNone(email) ? "BRAINOPS_ADMIN_EMAIL" : "BRAINOPS_ADMIN_PASSWORD"
    // Name the variable that is missing, not the one that is set.
    return Either.left(ConfigError.MissingData([missing], `${missing} must be set together with the other admin variable`))
  })
)

const optionalNonEmpty = (name: string) =>
  Config.string(name).pipe(
    Config.option,
    Config.map(Option.filter((value) => value.trim().length > 0))
  )

/**
 * Which vector index: `auto` takes Qdrant when QDRANT_URL is set, else pgvector when the database
 * has it, else exact search in SQL. Naming one forces it (and startup fails if it cannot work).
 */
const vectorIndexConfig = Config.all({
  kind: Config.literal("auto", "pgvector", "qdrant", "exact")("VECTOR_INDEX").pipe(Config.withDefault("auto" as const)),
  qdrantUrl: optionalNonEmpty("QDRANT_URL"),
  qdrantApiKey: Config.redacted("QDRANT_API_KEY").pipe(Config.option),
  qdrantCollectionPrefix: Config.string("QDRANT_COLLECTION_PREFIX").pipe(
    Config.validate({ message: "must be letters, digits, - or _", validation: (s) => /^[A-Za-z0-9_-]{1,100}$/.test(s) }),
    Config.withDefault("brainops_chunks")
  )
}).pipe(
  Config.mapOrFail((v) =>
    v.kind === "qdrant" && Option.isNone(v.qdrantUrl)
      ? Either.left(ConfigError.InvalidData(["QDRANT_URL"], "is required when VECTOR_INDEX=qdrant"))
      : Either.right(v)
  )
)

const publicBaseUrl = Config.string("PUBLIC_BASE_URL").pipe(
  Config.option,
  Config.validate({
    message: "PUBLIC_BASE_URL must be an http(s) URL such as https://app.example.com",
    validation: Option.match({ onNone: () => true, onSome: (url) => /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(url) })
  }),
  Config.map(Option.map((url) => url.replace(/\/+$/, "")))
)

const optionalSecret = (name: string) => Config.redacted(name).pipe(Config.option, Config.map(Option.filter((s) => Redacted.value(s).trim().length > 0)))

/**
 * Stripe takes payments when its secret key is set; the webhook secret must come with it (a server
 * that cannot verify webhooks would never learn of a payment). Unset, the manual provider is used.
 */
const paymentsConfig = Config.all({
  stripeSecretKey: optionalSecret("STRIPE_SECRET_KEY"),
  stripeWebhookSecret: optionalSecret("STRIPE_WEBHOOK_SECRET"),
  stripeApiUrl: optionalNonEmpty("STRIPE_API_URL"),
  checkoutSuccessUrl: optionalNonEmpty("CHECKOUT_SUCCESS_URL"),
  checkoutCancelUrl: optionalNonEmpty("CHECKOUT_CANCEL_URL"),
  pendingOrderTtl: positiveDuration("PENDING_ORDER_TTL", "24 hours")
}).pipe(
  Config.mapOrFail((p) => {
    if (Option.isSome(p.stripeSecretKey) && !/^(sk|rk)_/.test(Redacted.value(p.stripeSecretKey.value))) {
      return Either.left(ConfigError.InvalidData(["STRIPE_SECRET_KEY"], "must be a Stripe secret key (sk_live_…, sk_test_… or a restricted rk_… key)"))
    }
    if (Option.isSome(p.stripeSecretKey) !== Option.isSome(p.stripeWebhookSecret)) {
      const missing = Option.isNone(p.stripeSecretKey) ? "STRIPE_SECRET_KEY" : "STRIPE_WEBHOOK_SECRET"
      return Either.left(ConfigError.MissingData([missing], `${missing} must be set together with the other Stripe variable`))
    }
    const badUrl = (["stripeApiUrl", "checkoutSuccessUrl", "checkoutCancelUrl"] as const).find((k) =>
      Option.exists(p[k], (url) => !/^https?:\/\/\S+$/.test(url))
    )
    if (badUrl !== undefined) {
      const name = { stripeApiUrl: "STRIPE_API_URL", checkoutSuccessUrl: "CHECKOUT_SUCCESS_URL", checkoutCancelUrl: "CHECKOUT_CANCEL_URL" }[badUrl]
      return Either.left(ConfigError.InvalidData([name], "must be an http(s) URL"))
    }
    return Either.right(p)
  })
)

export const AppConfig = Config.all({
  host: Config.string("HOST").pipe(Config.withDefault("0.0.0.0")),
  // 0 asks the system for a free port (tests, side-by-side runs).
  port: Config.integer("PORT").pipe(
    Config.withDefault(8000),
    Config.validate({ message: "PORT must be an integer from 0 to 65535", validation: (p) => p >= 0 && p <= 65535 })
  ),
  logLevel,
  databaseUrl,
  databasePoolSize: positiveInt("DATABASE_POOL_SIZE", 10),
  dataDir: Config.string("BRAINOPS_DATA_DIR").pipe(Config.withDefault("./data")),
  jwtSecret,
  encryptionKey,
  accessTokenTtl: positiveDuration("ACCESS_TOKEN_TTL", "15 minutes"),
  sessionTtl: positiveDuration("SESSION_TTL", "30 days"),
  resetTokenTtl: positiveDuration("RESET_TOKEN_TTL", "30 minutes"),
  corsOrigins: nonEmptyList("CORS_ORIGINS"),
  maxBodyBytes: positiveInt("MAX_BODY_BYTES", 1024 * 1024),
  shutdownTimeout: positiveDuration("SHUTDOWN_TIMEOUT", "10 seconds"),
  admin: adminBootstrap,
  publicBaseUrl,
  mailFrom: Config.string("MAIL_FROM").pipe(Config.withDefault("BrainOps <no-reply@localhost>")),
  sesRegion: optionalNonEmpty("SES_REGION"),
  sesEndpoint: optionalNonEmpty("SES_ENDPOINT"),
  mailPollInterval: positiveDuration("MAIL_POLL_INTERVAL", "1 second"),
  embeddings: Config.all({
    url: optionalNonEmpty("EMBEDDINGS_URL"),
    model: Config.string("EMBEDDINGS_MODEL").pipe(Config.withDefault("text-embedding-3-small")),
    apiKey: Config.redacted("EMBEDDINGS_API_KEY").pipe(Config.option),
    dimensions: positiveInt("EMBEDDINGS_DIMENSIONS", 1536)
  }),
  vectorIndex: vectorIndexConfig,
  platformFeePercent: Config.integer("PLATFORM_FEE_PERCENT").pipe(
    Config.validate({ message: "must be a whole percentage between 0 and 100", validation: (n) => n >= 0 && n <= 100 }),
    Config.withDefault(10)
  ),
  payments: paymentsConfig,
  filesDir: optionalNonEmpty("FILES_DIR"),
  s3: Config.all({
    bucket: optionalNonEmpty("S3_BUCKET"),
    region: Config.string("S3_REGION").pipe(Config.withDefault("us-east-1")),
    endpoint: optionalNonEmpty("S3_ENDPOINT"),
    forcePathStyle: Config.boolean("S3_FORCE_PATH_STYLE").pipe(Config.withDefault(false)),
    accessKeyId: optionalNonEmpty("S3_ACCESS_KEY_ID"),
    secretAccessKey: Config.redacted("S3_SECRET_ACCESS_KEY").pipe(Config.option),
    prefix: Config.string("S3_PREFIX").pipe(Config.withDefault(""))
  }),
  maxUploadBytes: positiveInt("MAX_UPLOAD_BYTES", 256 * 1024 * 1024),
  jobs: Config.all({
    workerConcurrency: positiveInt("WORKER_CONCURRENCY", 2),
    lease: positiveDuration("JOB_LEASE", "30 seconds"),
    pollInterval: positiveDuration("JOB_POLL_INTERVAL", "1 second"),
    /** Unset: a worker runs inside the API on the embedded profile, and only in `npm run worker` on a server. */
    inApi: Config.boolean("WORKER_IN_API").pipe(Config.option)
  }),
  answers: Config.all({
    url: optionalNonEmpty("ANSWERS_URL"),
    model: Config.string("ANSWERS_MODEL").pipe(Config.withDefault("gpt-4o-mini")),
    apiKey: Config.redacted("ANSWERS_API_KEY").pipe(Config.option),
    timeout: positiveDuration("ANSWERS_TIMEOUT", "30 seconds"),
    maxTokens: positiveInt("ANSWERS_MAX_TOKENS", 512)
  }),
  rateLimits: Config.all({
    apiPerMinute: positiveInt("RATE_LIMIT_API_PER_MINUTE", 600),
    loginPerMinutePerIp: positiveInt("RATE_LIMIT_LOGIN_PER_MINUTE", 20),
    registerPerHourPerIp: positiveInt("RATE_LIMIT_REGISTER_PER_HOUR", 20),
    lockoutThreshold: positiveInt("LOCKOUT_THRESHOLD", 10),
    lockoutDuration: positiveDuration("LOCKOUT_DURATION", "15 minutes")
  })
})
export type AppConfig = Config.Config.Success<typeof AppConfig>

/** Where links in mails and download URLs point: PUBLIC_BASE_URL, or this server on localhost. */
export const publicBaseUrlOf = (config: AppConfig) =>
  Option.getOrElse(config.publicBaseUrl, () => `http://localhost:${config.port === 0 ? 8000 : config.port}`)
