import { Schema } from "effect"

export const MailId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("MailId"))
export type MailId = typeof MailId.Type

/** A message ready to send: both a plain-text and an HTML body, as every mail client wants one or the other. */
export class MailContent extends Schema.Class<MailContent>("MailContent")({
  to: Schema.String,
  subject: Schema.String,
  text: Schema.String,
  html: Schema.String
}) {}

export const MailStatus = Schema.Literals(["pending", "sent", "failed"])
export type MailStatus = typeof MailStatus.Type

/** A mail in the outbox: written with the change that caused it, delivered (and retried) after. */
export class OutboxMail extends Schema.Class<OutboxMail>("OutboxMail")({
  id: MailId,
  content: MailContent,
  status: MailStatus,
  attempts: Schema.Int,
  nextAttemptAt: Schema.DateTimeUtc,
  lastError: Schema.OptionFromNullOr(Schema.String),
  createdAt: Schema.DateTimeUtc,
  sentAt: Schema.OptionFromNullOr(Schema.DateTimeUtc)
}) {}

/** Attempts before a mail is given up as failed; backoff doubles from 5 s (about 10 minutes in all). */
export const MAX_MAIL_ATTEMPTS = 8
export const retryDelayMillis = (attempts: number): number => 5_000 * 2 ** Math.max(0, attempts - 1)
