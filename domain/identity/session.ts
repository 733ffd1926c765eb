import { DateTime, Option, Schema } from "effect"
import { UserId } from "./user.js"

export const SessionId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("SessionId"))
export type SessionId = typeof SessionId.Type

/**
 * A login on one device. It holds the hash of its one current refresh token; tokens it rotated away
 * are remembered (by the repository) so that presenting one again can be recognised as theft.
 */
export class Session extends Schema.Class<Session>("Session")({
  id: SessionId,
  userId: UserId,
  refreshTokenHash: Schema.String,
  createdAt: Schema.DateTimeUtc,
  lastUsedAt: Schema.DateTimeUtc,
  expiresAt: Schema.DateTimeUtc,
  ip: Schema.OptionFromNullOr(Schema.String),
  userAgent: Schema.OptionFromNullOr(Schema.String),
  revokedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc)
}) {}

export const isActive = (session: Session, now: DateTime.Utc): boolean =>
  Option.isNone(session.revokedAt) && DateTime.isLessThan(now, session.expiresAt)

/** How often `last_used_at` is written: per request would turn every read into a write. */
export const LAST_USED_GRANULARITY_MS = 60_000

export const needsTouch = (session: Session, now: DateTime.Utc): boolean =>
  DateTime.toEpochMillis(now) - DateTime.toEpochMillis(session.lastUsedAt) >= LAST_USED_GRANULARITY_MS
