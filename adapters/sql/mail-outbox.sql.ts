import { SqlClient, SqlSchema } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { MailOutbox } from "../../application/ports/mail-outbox.js"
import { MailContent, MailId, MailStatus, OutboxMail } from "../../domain/mail/mail.js"
import { orStorageFailure } from "./storage-errors.js"

const MailRow = Schema.Struct({
  id: Schema.String,
  to_address: Schema.String,
  subject: Schema.String,
  text_body: Schema.String,
  html_body: Schema.String,
  status: MailStatus,
  attempts: Schema.Number,
  next_attempt_at: Schema.DateFromSelf,
  last_error: Schema.NullOr(Schema.String),
  created_at: Schema.DateFromSelf,
  sent_at: Schema.NullOr(Schema.DateFromSelf)
})
type MailRow = typeof MailRow.Type

const toMail = (row: MailRow) =>
  new OutboxMail({
    id: MailId.make(row.id),
    content: new MailContent({ to: row.to_address, subject: row.subject, text: row.text_body, html: row.html_body }),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: DateTime.unsafeFromDate(row.next_attempt_at),
    lastError: Option.fromNullable(row.last_error),
    createdAt: DateTime.unsafeFromDate(row.created_at),
    sentAt: Option.map(Option.fromNullable(row.sent_at), DateTime.unsafeFromDate)
  })

export const MailOutboxSql = Layer.effect(
  MailOutbox,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const due = SqlSchema.findAll({
      Request: Schema.Struct({ now: Schema.DateFromSelf, limit: Schema.Number }),
      Result: MailRow,
      execute: ({ limit, now }) =>
        sql`SELECT * FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ${now}
            ORDER BY next_attempt_at, id LIMIT ${limit}`
    })
    const list = SqlSchema.findAll({
      Request: Schema.Struct({ at: Schema.NullOr(Schema.DateFromSelf), id: Schema.NullOr(Schema.String), limit: Schema.Number }),
      Result: MailRow,
      execute: ({ at, id, limit }) =>
        at === null || id === null
          ? sql`SELECT * FROM mail_outbox ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
          : sql`SELECT * FROM mail_outbox WHERE (created_at, id) < (${at}, ${id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
    })
    return {
      enqueue: (mail) =>
        sql`INSERT INTO mail_outbox ${
          sql.insert({
            id: mail.id,
            to_address: mail.content.to,
            subject: mail.content.subject,
            text_body: mail.content.text,
            html_body: mail.content.html,
            status: mail.status,
            attempts: mail.attempts,
            next_attempt_at: DateTime.toDateUtc(mail.nextAttemptAt),
            last_error: Option.getOrNull(mail.lastError),
            created_at: DateTime.toDateUtc(mail.createdAt),
            sent_at: Option.getOrNull(Option.map(mail.sentAt, DateTime.toDateUtc))
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      due: (now, limit) => due({ now: DateTime.toDateUtc(now), limit }).pipe(Effect.map((rows) => rows.map(toMail)), orStorageFailure),
      markSent: (id, now, forgetBodies) =>
        (forgetBodies
          ? sql`UPDATE mail_outbox SET status = 'sent', sent_at = ${DateTime.toDateUtc(now)}, attempts = attempts + 1,
                text_body = '', html_body = '' WHERE id = ${id}`
          : sql`UPDATE mail_outbox SET status = 'sent', sent_at = ${DateTime.toDateUtc(now)}, attempts = attempts + 1
                WHERE id = ${id}`).pipe(Effect.asVoid, orStorageFailure),
      markAttemptFailed: (id, error, next) =>
        Option.match(next, {
          onNone: () =>
            sql`UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1, last_error = ${error} WHERE id = ${id}`,
          onSome: (at) =>
            sql`UPDATE mail_outbox SET attempts = attempts + 1, last_error = ${error},
                next_attempt_at = ${DateTime.toDateUtc(at)} WHERE id = ${id}`
        }).pipe(Effect.asVoid, orStorageFailure),
      list: (after, limit) =>
        list({
          at: Option.getOrNull(Option.map(after, (p) => new Date(p.at))),
          id: Option.getOrNull(Option.map(after, (p) => p.id)),
          limit
        }).pipe(Effect.map((rows) => rows.map(toMail)), orStorageFailure)
    }
  })
)
