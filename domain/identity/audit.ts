import { Schema } from "effect"
import { UserId } from "./user.js"

export const AuditEventType = Schema.Literals(["login.succeeded",
  "login.failed",
  "reauthentication.failed",
  "account.locked",
  "account.unlocked",
  "email.verified",
  "password.changed",
  "password.reset",
  "two_factor.enabled",
  "two_factor.disabled",
  "recovery_code.used",
  "api_key.created",
  "api_key.revoked",
  "session.revoked"])
export type AuditEventType = typeof AuditEventType.Type

export const AuditEventId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("AuditEventId"))
export type AuditEventId = typeof AuditEventId.Type

/** A security-relevant thing that happened to an account, kept for its owner to review. */
export class AuditEvent extends Schema.Class<AuditEvent>("AuditEvent")({
  id: AuditEventId,
  /** None for a failed sign-in to an email no account has: it is written all the same (see login). */
  userId: Schema.OptionFromNullOr(UserId),
  type: AuditEventType,
  ip: Schema.OptionFromNullOr(Schema.String),
  userAgent: Schema.OptionFromNullOr(Schema.String),
  details: Schema.Record(Schema.String, Schema.String),
  createdAt: Schema.DateTimeUtc
}) {}
