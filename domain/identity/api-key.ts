import { DateTime, Option, Schema } from "effect"
import { Scope } from "./actor.js"
import { isPlainText } from "./text.js"
import { UserId } from "./user.js"

export const ApiKeyId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("ApiKeyId"))
export type ApiKeyId = typeof ApiKeyId.Type

/** A key's label: one line of real text (a refused name must fail before anything is stored). */
export const ApiKeyName = Schema.String.pipe(
  Schema.check(isPlainText("name")),
  Schema.decodeTo(Schema.Trim),
  Schema.check(Schema.isMinLength(1, { message: "name must not be empty" })),
  Schema.check(Schema.isMaxLength(100, { message: "name must be at most 100 characters" }))
)

/** Every key starts so, which tells it from a JWT and makes leaked keys easy to scan for. */
export const API_KEY_MARK = "bo_"

export class ApiKey extends Schema.Class<ApiKey>("ApiKey")({
  id: ApiKeyId,
  userId: UserId,
  name: Schema.String,
  /** The first characters of the key, shown in lists so a person can tell keys apart. */
  prefix: Schema.String,
  keyHash: Schema.String,
  scopes: Schema.Array(Scope),
  expiresAt: Schema.OptionFromNullOr(Schema.DateTimeUtc),
  lastUsedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc),
  createdAt: Schema.DateTimeUtc,
  revokedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc)
}) {}

/** Active (unrevoked, unexpired) keys one user may hold: each is a standing credential to watch. */
export const MAX_ACTIVE_API_KEYS = 25

export const isUsable = (key: ApiKey, now: DateTime.Utc): boolean =>
  Option.isNone(key.revokedAt) && Option.match(key.expiresAt, { onNone: () => true, onSome: (at) => DateTime.isLessThan(now, at) })

export class InvalidApiKeyRequest extends Schema.TaggedError<InvalidApiKeyRequest>()("InvalidApiKeyRequest", {
  field: Schema.String,
  reason: Schema.String
}) {}

/** The user already holds MAX_ACTIVE_API_KEYS active keys: revoke one before making another. */
export class TooManyApiKeys extends Schema.TaggedError<TooManyApiKeys>()("TooManyApiKeys", {
  limit: Schema.Int
}) {}
