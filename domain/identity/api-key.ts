import { DateTime, Option, Schema } from "effect"
import { Scope } from "./actor.js"
import { UserId } from "./user.js"

export const ApiKeyId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("ApiKeyId"))
export type ApiKeyId = typeof ApiKeyId.Type

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

export const isUsable = (key: ApiKey, now: DateTime.Utc): boolean =>
  Option.isNone(key.revokedAt) && Option.match(key.expiresAt, { onNone: () => true, onSome: (at) => DateTime.isLessThan(now, at) })

export class InvalidApiKeyRequest extends Schema.TaggedError<InvalidApiKeyRequest>()("InvalidApiKeyRequest", {
  field: Schema.String,
  reason: Schema.String
}) {}
