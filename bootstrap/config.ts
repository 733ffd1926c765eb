import { Config, Duration, Effect, type LogLevel, Option, Redacted, Result, Schema, SchemaIssue, SchemaTransformation } from "effect"
import { availableParallelism } from "node:os"
import { Email } from "../domain/identity/user.js"

// Every setting is read as a string and decoded by one schema; whatever the schema refuses (a wrong
// type, "abc" for a port, or a wrong range, 70000) gets the one message that says what the variable
// must be, so startup names the variable and its rule instead of a schema's internals.

const issueAt = (variable: string, issue: SchemaIssue.Issue) =>
  new Config.ConfigError(new Schema.SchemaError(new SchemaIssue.Pointer([variable], issue)))

/** A setting that has a value startup refuses; `message` starts with the variable's name. */
export const invalidSetting = (variable: string, message: string) =>
  issueAt(variable, new SchemaIssue.InvalidValue({ message }))

/** A setting that must be set (because another one is) and is not. */
export const missingSetting = (variable: string, message: string) =>
  issueAt(variable, new SchemaIssue.MissingKey({ messageMissingKey: message }))

const decodeSetting = <A>(name: string, schema: Schema.Codec<A, string>, must: string, showValue: boolean) => (raw: string) =>
  Schema.decodeEffect(schema)(raw).pipe(
    Effect.mapError(() => invalidSetting(name, showValue ? `${name} ${must} (got ${JSON.stringify(raw)})` : `${name} ${must}`))
  )

/** A plain setting: absent stays absent (for `withDefault` / `option`), a refused value fails. */
const setting = <A>(name: string, schema: Schema.Codec<A, string>, must: string): Config.Config<A> =>
  Config.String(name).pipe(Config.mapEffect(decodeSetting(name, schema, must, true)))

/** A secret: checked like a setting, never echoed in a message, and kept redacted. */
const secret = (name: string, check: Schema.Codec<string, string>, must: string): Config.Config<Redacted.Redacted<string>> =>
  Config.Redacted(name).pipe(
    Config.mapEffect((value) => Effect.map(decodeSetting(name, check, must, false)(Redacted.value(value)), () => value))
  )

const IntString = Schema.FiniteFromString.check(Schema.isInt())
const positiveInt = (name: string, fallback: number) =>
  setting(name, IntString.check(Schema.isGreaterThan(0)), "must be a positive integer").pipe(Config.withDefault(fallback))

const positiveDuration = (name: string, fallback: Duration.Input) =>
  setting(name, Schema.DurationFromString.check(Schema.makeFilter(Duration.isPositive)), `must be a positive duration such as "15 minutes"`).pipe(
    Config.withDefault(Duration.fromInputUnsafe(fallback))
  )

const TRUE = ["true", "yes", "on", "1", "y"] as const
const FALSE = ["false", "no", "off", "0", "n"] as const
const BooleanString = Schema.Literals([...TRUE, ...FALSE]).pipe(
  Schema.decodeTo(
    Schema.Boolean,
    SchemaTransformation.transform({ decode: (s) => (TRUE as ReadonlyArray<string>).includes(s), encode: (b) => (b ? "true" : "false") })
  )
)
const boolean = (name: string) => setting(name, BooleanString, "must be true or false (also yes/no, on/off, 1/0)")

const oneOf = <const L extends ReadonlyArray<string>>(name: string, literals: L) =>
  setting(name, Schema.Literals(literals), `must be one of ${literals.join(", ")}`)

const nonEmptyList = (name: string) =>
  Config.String(name).pipe(
    Config.withDefault(""),
    Config.map((raw) => raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0))
  )

const optionalNonEmpty = (name: string) =>
  Config.String(name).pipe(Config.option, Config.map(Option.filter((value) => value.trim().length > 0)))

const optionalSecret = (name: string) =>
  Config.Redacted(name).pipe(Config.option, Config.map(Option.filter((s) => Redacted.value(s).trim().length > 0)))

/** JWT signing key: at least 32 characters (256 bits if random). */
const jwtSecret = secret("JWT_SECRET", Schema.String.check(Schema.isMinLength(32)), "must be at least 32 characters").pipe(Config.option)

/** The key that encrypts secrets at rest (2FA): 32 bytes, base64. */
const encryptionKey = secret(
  "ENCRYPTION_KEY",
  Schema.String.check(Schema.makeFilter((key: string) => Buffer.from(key, "base64").length === 32)),
  "must be 32 bytes encoded in base64 (e.g. `openssl rand -base64 32`)"
).pipe(Config.option)

const LOG_LEVELS = { trace: "Trace", debug: "Debug", info: "Info", warning: "Warn", error: "Error", none: "None" } as const satisfies Record<string, LogLevel.LogLevel>
const logLevel = oneOf("LOG_LEVEL", ["trace", "debug", "info", "warning", "error", "none"]).pipe(
  Config.withDefault("info"),
  Config.map((level): LogLevel.LogLevel => LOG_LEVELS[level])
)

const databaseUrl = secret("DATABASE_URL", Schema.String.check(Schema.isPattern(/^postgres(ql)?:\/\//)), "must be a postgres:// or postgresql:// URL").pipe(
  Config.option
)

const redisUrl = secret("REDIS_URL", Schema.String.check(Schema.isPattern(/^rediss?:\/\//)), "must be a redis:// or rediss:// URL").pipe(
  Config.option
)

const adminBootstrap = Config.all({
  email: Config.String("BRAINOPS_ADMIN_EMAIL").pipe(Config.option),
  password: Config.Redacted("BRAINOPS_ADMIN_PASSWORD").pipe(Config.option)
}).pipe(
  Config.mapEffect(({ email, password }) => {
    if (Option.isSome(email) && Option.isSome(password)) {
      return Schema.decodeEffect(Email)(email.value).pipe(
        Effect.mapError(() => invalidSetting("BRAINOPS_ADMIN_EMAIL", "BRAINOPS_ADMIN_EMAIL must be a valid email address")),
        Effect.map((valid) => Option.some({ email: valid, password: password.value }))
      )
    }
    if (Option.isNone(email) && Option.isNone(password)) return Effect.succeed(Option.none())
    // Name the variable that is missing, not the one that is set.
    const [missing, other] = Option.isNone(email)
      ? ["BRAINOPS_ADMIN_EMAIL", "BRAINOPS_ADMIN_PASSWORD"]
      : ["BRAINOPS_ADMIN_PASSWORD", "BRAINOPS_ADMIN_EMAIL"]
    return Effect.fail(missingSetting(missing, `${missing} must be set together with ${other}`))
  })
)

/**
 * Which vector index: `auto` takes Qdrant when QDRANT_URL is set, else pgvector when the database
 * has it, else exact search in SQL. Naming one forces it (and startup fails if it cannot work).
 */
const vectorIndexConfig = Config.all({
  kind: oneOf("VECTOR_INDEX", ["auto", "pgvector", "qdrant", "exact"]).pipe(Config.withDefault("auto")),
  qdrantUrl: optionalNonEmpty("QDRANT_URL"),
  qdrantApiKey: Config.Redacted("QDRANT_API_KEY").pipe(Config.option),
  qdrantCollectionPrefix: setting(
    "QDRANT_COLLECTION_PREFIX",
    Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_-]{1,100}$/)),
    "must be 1 to 100 letters, digits, - or _"
  ).pipe(Config.withDefault("brainops_chunks"))
}).pipe(
  Config.mapEffect((v) =>
    v.kind === "qdrant" && Option.isNone(v.qdrantUrl)
      ? Effect.fail(missingSetting("QDRANT_URL", "QDRANT_URL is required when VECTOR_INDEX=qdrant"))
      : Effect.succeed(v)
  )
)

const HttpUrl = Schema.String.check(Schema.isPattern(/^https?:\/\/\S+$/))

const publicBaseUrl = setting(
  "PUBLIC_BASE_URL",
  Schema.String.check(Schema.isPattern(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/)),
  "must be an http(s) URL such as https://app.example.com"
).pipe(Config.option, Config.map(Option.map((url) => url.replace(/\/+$/, ""))))

const optionalHttpUrl = (name: string) =>
  Config.String(name).pipe(
    Config.option,
    Config.map(Option.filter((value) => value.trim().length > 0)),
    Config.mapEffect(Option.match({
      onNone: () => Effect.succeed(Option.none<string>()),
      onSome: (url) => Effect.asSome(decodeSetting(name, HttpUrl, "must be an http(s) URL", true)(url))
    }))
  )

/**
 * Stripe takes payments when its secret key is set; the webhook secret must come with it (a server
 * that cannot verify webhooks would never learn of a payment). Unset, the manual provider is used.
 */
const paymentsConfig = Config.all({
  stripeSecretKey: optionalSecret("STRIPE_SECRET_KEY"),
  stripeWebhookSecret: optionalSecret("STRIPE_WEBHOOK_SECRET"),
  stripeApiUrl: optionalHttpUrl("STRIPE_API_URL"),
  checkoutSuccessUrl: optionalHttpUrl("CHECKOUT_SUCCESS_URL"),
  checkoutCancelUrl: optionalHttpUrl("CHECKOUT_CANCEL_URL"),
  pendingOrderTtl: positiveDuration("PENDING_ORDER_TTL", "24 hours")
}).pipe(
  Config.mapEffect((p) => {
    if (Option.exists(p.stripeSecretKey, (key) => !/^(sk|rk)_/.test(Redacted.value(key)))) {
      return Effect.fail(
        invalidSetting("STRIPE_SECRET_KEY", "STRIPE_SECRET_KEY must be a Stripe secret key (sk_live_…, sk_test_… or a restricted rk_… key)")
      )
    }
    if (Option.isSome(p.stripeSecretKey) !== Option.isSome(p.stripeWebhookSecret)) {
      const [missing, other] = Option.isNone(p.stripeSecretKey)
        ? ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]
        : ["STRIPE_WEBHOOK_SECRET", "STRIPE_SECRET_KEY"]
      return Effect.fail(missingSetting(missing, `${missing} must be set together with ${other}`))
    }
    return Effect.succeed(p)
  })
)

/**
 * Reads every part, then fails once with all the refused settings (not only the first), so an
 * operator fixes a bad environment in one round. Each part must be total (a default or an option).
 */
const allSettings = <const Parts extends Record<string, Config.Config<any>>>(parts: Parts) =>
  Config.all(
    Object.fromEntries(
      Object.entries(parts).map(([key, part]) => [
        key,
        part.pipe(Config.map(Result.succeed), Config.orElse((error) => Config.succeed(Result.fail(error))))
      ])
    )
  ).pipe(
    Config.mapEffect((results) => {
      const issues = Object.values(results).flatMap((r) => Result.isFailure(r) ? [issuesOf(r.failure)] : []).flat()
      const [first, ...rest] = issues
      if (first === undefined) return Effect.succeed(Object.fromEntries(Object.entries(results).map(([k, r]) => [k, Result.getOrThrow(r)])))
      return Effect.fail(
        new Config.ConfigError(new Schema.SchemaError(rest.length === 0 ? first : new SchemaIssue.Composite(Schema.Unknown.ast, [first, ...rest])))
      )
    })
  ) as Config.Config<{ -readonly [K in keyof Parts]: Config.Success<Parts[K]> }>

const issuesOf = (error: Config.ConfigError): ReadonlyArray<SchemaIssue.Issue> =>
  Schema.isSchemaError(error.cause)
    ? error.cause.issue._tag === "Composite" ? error.cause.issue.issues : [error.cause.issue]
    : [new SchemaIssue.InvalidValue({ message: error.cause.message })]

export const AppConfig = allSettings({
  host: Config.String("HOST").pipe(Config.withDefault("0.0.0.0")),
  // 0 asks the system for a free port (tests, side-by-side runs).
  port: setting("PORT", IntString.check(Schema.isBetween({ minimum: 0, maximum: 65535 })), "must be an integer from 0 to 65535").pipe(
    Config.withDefault(8000)
  ),
  logLevel,
  databaseUrl,
  databasePoolSize: positiveInt("DATABASE_POOL_SIZE", 10),
  redisUrl,
  dataDir: Config.String("BRAINOPS_DATA_DIR").pipe(Config.withDefault("./data")),
  jwtSecret,
  encryptionKey,
  accessTokenTtl: positiveDuration("ACCESS_TOKEN_TTL", "15 minutes"),
  sessionTtl: positiveDuration("SESSION_TTL", "30 days"),
  resetTokenTtl: positiveDuration("RESET_TOKEN_TTL", "30 minutes"),
  // Password hashes and verifies at once: one core is left to the event loop.
  hashConcurrency: positiveInt("HASH_CONCURRENCY", Math.max(1, availableParallelism() - 1)),
  corsOrigins: nonEmptyList("CORS_ORIGINS"),
  maxBodyBytes: positiveInt("MAX_BODY_BYTES", 1024 * 1024),
  shutdownTimeout: positiveDuration("SHUTDOWN_TIMEOUT", "10 seconds"),
  admin: adminBootstrap,
  publicBaseUrl,
  mailFrom: Config.String("MAIL_FROM").pipe(Config.withDefault("BrainOps <no-reply@localhost>")),
  sesRegion: optionalNonEmpty("SES_REGION"),
  sesEndpoint: optionalNonEmpty("SES_ENDPOINT"),
  mailPollInterval: positiveDuration("MAIL_POLL_INTERVAL", "1 second"),
  embeddings: Config.all({
    url: optionalNonEmpty("EMBEDDINGS_URL"),
    model: Config.String("EMBEDDINGS_MODEL").pipe(Config.withDefault("text-embedding-3-small")),
    apiKey: Config.Redacted("EMBEDDINGS_API_KEY").pipe(Config.option),
    dimensions: positiveInt("EMBEDDINGS_DIMENSIONS", 1536),
    // The local model runs in worker threads: one core is left to the event loop.
    workers: positiveInt("EMBEDDING_WORKERS", Math.max(1, availableParallelism() - 1)),
    queueLimit: positiveInt("EMBEDDING_QUEUE_LIMIT", 512)
  }),
  vectorIndex: vectorIndexConfig,
  platformFeePercent: setting(
    "PLATFORM_FEE_PERCENT",
    IntString.check(Schema.isBetween({ minimum: 0, maximum: 100 })),
    "must be a whole percentage between 0 and 100"
  ).pipe(Config.withDefault(10)),
  payments: paymentsConfig,
  filesDir: optionalNonEmpty("FILES_DIR"),
  s3: Config.all({
    bucket: optionalNonEmpty("S3_BUCKET"),
    region: Config.String("S3_REGION").pipe(Config.withDefault("us-east-1")),
    endpoint: optionalNonEmpty("S3_ENDPOINT"),
    forcePathStyle: boolean("S3_FORCE_PATH_STYLE").pipe(Config.withDefault(false)),
    accessKeyId: optionalNonEmpty("S3_ACCESS_KEY_ID"),
    secretAccessKey: Config.Redacted("S3_SECRET_ACCESS_KEY").pipe(Config.option),
    prefix: Config.String("S3_PREFIX").pipe(Config.withDefault(""))
  }),
  maxUploadBytes: positiveInt("MAX_UPLOAD_BYTES", 256 * 1024 * 1024),
  jobs: Config.all({
    workerConcurrency: positiveInt("WORKER_CONCURRENCY", 2),
    lease: positiveDuration("JOB_LEASE", "30 seconds"),
    pollInterval: positiveDuration("JOB_POLL_INTERVAL", "1 second"),
    /** Unset: a worker runs inside the API on the embedded profile, and only in `npm run worker` on a server. */
    inApi: boolean("WORKER_IN_API").pipe(Config.option)
  }),
  answers: Config.all({
    url: optionalNonEmpty("ANSWERS_URL"),
    model: Config.String("ANSWERS_MODEL").pipe(Config.withDefault("gpt-4o-mini")),
    apiKey: Config.Redacted("ANSWERS_API_KEY").pipe(Config.option),
    timeout: positiveDuration("ANSWERS_TIMEOUT", "30 seconds"),
    maxTokens: positiveInt("ANSWERS_MAX_TOKENS", 512)
  }),
  rateLimits: Config.all({
    apiPerMinute: positiveInt("RATE_LIMIT_API_PER_MINUTE", 600),
    loginPerMinutePerIp: positiveInt("RATE_LIMIT_LOGIN_PER_MINUTE", 20),
    registerPerHourPerIp: positiveInt("RATE_LIMIT_REGISTER_PER_HOUR", 20),
    lockoutThreshold: positiveInt("LOCKOUT_THRESHOLD", 10),
    lockoutDuration: positiveDuration("LOCKOUT_DURATION", "15 minutes"),
    // Without Redis: how often each process adds its request counts to the shared ones.
    flushInterval: positiveDuration("RATE_LIMIT_FLUSH_INTERVAL", "1 second")
  }),
  memoryLimits: Config.all({
    searchesPerMinute: positiveInt("RATE_LIMIT_SEARCH_PER_MINUTE", 60),
    questionsPerMinute: positiveInt("RATE_LIMIT_RAG_PER_MINUTE", 20),
    jobsPerHour: positiveInt("RATE_LIMIT_JOBS_PER_HOUR", 30),
    activeJobsPerUser: positiveInt("JOBS_MAX_ACTIVE_PER_USER", 5)
  })
})
export type AppConfig = Config.Success<typeof AppConfig>

/**
 * What startup prints for a refused configuration: one line a variable, each naming it
 * (`PORT must be an integer from 0 to 65535 (got "abc")`).
 */
export const describeConfigError = (error: Config.ConfigError): string => {
  if (!Schema.isSchemaError(error.cause)) return error.cause.message
  return SchemaIssue.makeFormatterStandardSchemaV1()(error.cause.issue).issues
    .map(({ path, message }) => {
      const variable = (path ?? []).map(String).join("_")
      return variable === "" || message.includes(variable) ? message : `${variable}: ${message}`
    })
    .join("\n")
}

/** Where links in mails and download URLs point: PUBLIC_BASE_URL, or this server on localhost. */
export const publicBaseUrlOf = (config: AppConfig) =>
  Option.getOrElse(config.publicBaseUrl, () => `http://localhost:${config.port === 0 ? 8000 : config.port}`)
