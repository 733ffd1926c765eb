import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect, Option, Redacted, Schema } from "effect"
import { type AppConfig, missingSetting } from "./config.js"

export interface Secrets {
  readonly jwtSecret: Redacted.Redacted<string>
  readonly encryptionKey: Redacted.Redacted<string>
}

const SecretsFile = Schema.fromJsonString(Schema.Struct({
  jwt_secret: Schema.String.pipe(Schema.check(Schema.isMinLength(32))),
  encryption_key: Schema.String
}))

/**
 * Server profile: both secrets must be configured; a missing one stops startup, naming it.
 * Embedded profile: a secret that is not configured is generated once and kept in the data folder
 * (mode 0600), so tokens survive restarts without the user having to set anything up.
 */
export const resolveSecrets = (config: AppConfig) =>
  Effect.gen(function*() {
    if (Option.isSome(config.databaseUrl)) {
      const missing = [
        Option.isNone(config.jwtSecret) ? "JWT_SECRET" : undefined,
        Option.isNone(config.encryptionKey) ? "ENCRYPTION_KEY" : undefined
      ].filter((name): name is string => name !== undefined)
      if (missing.length > 0) {
        return yield* Effect.fail(
          missingSetting(missing[0]!, `${missing.join(" and ")} must be set when DATABASE_URL is set (server profile)`)
        )
      }
    }
    const stored = Option.isSome(config.jwtSecret) && Option.isSome(config.encryptionKey)
      ? undefined
      : yield* loadOrCreateSecretsFile(config.dataDir)
    return {
      jwtSecret: Option.getOrElse(config.jwtSecret, () => Redacted.make(stored!.jwt_secret)),
      encryptionKey: Option.getOrElse(config.encryptionKey, () => Redacted.make(stored!.encryption_key))
    } satisfies Secrets
  })

const loadOrCreateSecretsFile = (dataDir: string) =>
  Effect.gen(function*() {
    const file = path.join(dataDir, "secrets.json")
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, "utf8")
      return yield* Schema.decodeEffect(SecretsFile)(text).pipe(
        Effect.mapError(() => new Error(`${file} is damaged; restore it from a backup, or delete it to issue new secrets (every session ends)`)),
        Effect.orDie
      )
    }
    const created = {
      jwt_secret: randomBytes(48).toString("base64url"),
      encryption_key: randomBytes(32).toString("base64")
    }
    fs.mkdirSync(dataDir, { recursive: true })
    fs.writeFileSync(file, JSON.stringify(created, null, 2) + "\n", { mode: 0o600, flag: "wx" })
    yield* Effect.logInfo("generated secrets for the embedded profile").pipe(Effect.annotateLogs("file", file))
    return created
  })
