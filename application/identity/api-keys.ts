import { DateTime, Effect, Option } from "effect"
import { type Actor, type Scope } from "../../domain/identity/actor.js"
import {
  API_KEY_MARK,
  ApiKey,
  ApiKeyId,
  InvalidApiKeyRequest,
  isUsable,
  MAX_ACTIVE_API_KEYS,
  TooManyApiKeys
} from "../../domain/identity/api-key.js"
import { Unauthenticated } from "../../domain/identity/errors.js"
import { NotFound } from "../../domain/shared/errors.js"
import { ApiKeyRepository } from "../ports/api-key-repository.js"
import { Ids } from "../ports/ids.js"
import { LastUseRecorder } from "../ports/last-use-recorder.js"
import { SecretTokens } from "../ports/secret-tokens.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"
import { recordAudit } from "./audit.js"
import { requireSession } from "./password.js"

export interface CreateApiKeyInput {
  readonly name: string
  readonly scopes: ReadonlyArray<Scope>
  readonly expiresAt: Option.Option<DateTime.Utc>
}

/**
 * A new key: `bo_` + an 8-character prefix + a 256-bit secret. The key is answered once; only its
 * SHA-256 is kept. Keys are made from a signed-in session only: a key cannot mint keys. A user holds
 * at most MAX_ACTIVE_API_KEYS active keys. The key and its audit entry are written in one
 * transaction: a key is never stored without its audit entry, nor kept when anything after it fails.
 */
export const createApiKey = Effect.fn("Identity.createApiKey")(function*(actor: Actor, input: CreateApiKeyInput) {
  yield* requireSession(actor)
  const now = yield* DateTime.now
  if (Option.isSome(input.expiresAt) && !DateTime.isLessThan(now, input.expiresAt.value)) {
    return yield* new InvalidApiKeyRequest({ field: "expires_at", reason: "expires_at must be in the future" })
  }
  const secrets = yield* SecretTokens
  const prefix = `${API_KEY_MARK}${(yield* secrets.generate).slice(0, 8)}`
  const key = `${prefix}_${yield* secrets.generate}`
  const apiKey = new ApiKey({
    id: ApiKeyId.make(yield* (yield* Ids).next),
    userId: actor.userId,
    name: input.name,
    prefix,
    keyHash: secrets.hash(key),
    scopes: [...new Set(input.scopes)],
    expiresAt: input.expiresAt,
    lastUsedAt: Option.none(),
    createdAt: now,
    revokedAt: Option.none()
  })
  const keys = yield* ApiKeyRepository
  yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      if (!(yield* keys.insertWithinLimit(apiKey, MAX_ACTIVE_API_KEYS))) return yield* new TooManyApiKeys({ limit: MAX_ACTIVE_API_KEYS })
      yield* recordAudit(actor.userId, "api_key.created", { api_key_id: apiKey.id, name: apiKey.name, scopes: apiKey.scopes.join(" ") })
    })
  )
  return { apiKey, key }
})

export const listApiKeys = Effect.fn("Identity.listApiKeys")(function*(actor: Actor, page: PageRequest) {
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* ApiKeyRepository).listByUser(actor.userId, after, page.limit)
  return toPage(rows, page.limit, (k) => ({ at: DateTime.toEpochMillis(k.createdAt), id: k.id }))
})

/** Revokes one of the actor's keys at once; another user's key answers 404. */
export const revokeApiKey = Effect.fn("Identity.revokeApiKey")(function*(actor: Actor, id: ApiKeyId) {
  yield* requireSession(actor)
  const revoked = yield* (yield* ApiKeyRepository).revoke(id, actor.userId, yield* DateTime.now)
  if (!revoked) return yield* new NotFound({ resource: "API key" })
  yield* recordAudit(actor.userId, "api_key.revoked", { api_key_id: id })
})

const LAST_USED_GRANULARITY_MS = 60_000

/** Turns an API key into the Actor behind it, with the key's scopes only. */
// Untraced like authenticateAccessToken: it runs before every request made with a key.
export const authenticateApiKey = Effect.fnUntraced(function*(key: string) {
  const now = yield* DateTime.now
  // The key and its user in one read; the last use is recorded in the background, not written here.
  const found = key.startsWith(API_KEY_MARK)
    ? yield* (yield* ApiKeyRepository).findForAuthentication((yield* SecretTokens).hash(key))
    : Option.none()
  if (Option.isNone(found) || !isUsable(found.value.key, now)) {
    return yield* new Unauthenticated({ reason: "invalid, revoked or expired API key" })
  }
  const { key: apiKey, user } = found.value
  const lastUsed = Option.getOrElse(Option.map(apiKey.lastUsedAt, DateTime.toEpochMillis), () => 0)
  if (DateTime.toEpochMillis(now) - lastUsed >= LAST_USED_GRANULARITY_MS) yield* (yield* LastUseRecorder).apiKey(apiKey.id, now)
  return {
    userId: apiKey.userId,
    role: user.role,
    sessionId: Option.none(),
    apiKeyId: Option.some(apiKey.id),
    scopes: new Set(apiKey.scopes),
    user
  } satisfies Actor
})
