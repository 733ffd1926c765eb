import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { MailOutbox } from "../../application/ports/mail-outbox.js"
import { MailContent, MailId, MailStatus, OutboxMail } from "../../domain/mail/mail.js"
import { allRows, OptionalTimestamp, reshapedInto, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

/** The table keeps the content's parts in columns of their own. */
const MailRow = reshapedInto(Row({
  id: MailId,
  toAddress: Schema.String,
  subject: Schema.String,
  textBody: Schema.String,
  htmlBody: Schema.String,
  status: MailStatus,
  attempts: Schema.Int,
  nextAttemptAt: Timestamp,
  lastError: Schema.OptionFromNullOr(Schema.String),
  createdAt: Timestamp,
  sentAt: OptionalTimestamp
}), OutboxMail, {
  decode: ({ htmlBody, subject, textBody, toAddress, ...mail }) => ({
    ...mail,
    content: new MailContent({ to: toAddress, subject, text: textBody, html: htmlBody })
  }),
  encode: ({ content, ...mail }) => ({ ...mail, toAddress: content.to, subject: content.subject, textBody: content.text, htmlBody: content.html })
})
const mails = allRows(MailRow)

export const MailOutboxSql = Layer.effect(
  MailOutbox,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const enqueue = SqlSchema.void({ Request: MailRow, execute: (row) => sql`INSERT INTO mail_outbox ${sql.insert(row)}` })
    return MailOutbox.of({
      enqueue: (mail) => enqueue(mail).pipe(orStorageFailure),
      due: (now, limit) =>
        mails(sql`SELECT * FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ${DateTime.toDateUtc(now)}
                  ORDER BY next_attempt_at, id LIMIT ${limit}`).pipe(orStorageFailure),
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
        mails(Option.match(after, {
          onNone: () => sql`SELECT * FROM mail_outbox ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM mail_outbox WHERE (created_at, id) < (${new Date(p.at)}, ${p.id})
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        })).pipe(orStorageFailure)
    })
  })
)
