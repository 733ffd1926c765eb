import { DateTime, Effect, Option } from "effect"
import { MAX_MAIL_ATTEMPTS, retryDelayMillis } from "../../domain/mail/mail.js"
import { MailOutbox } from "../ports/mail-outbox.js"
import { Mailer } from "../ports/mailer.js"

/**
 * Delivers the mails that are due, one at a time; a failure schedules a retry with backoff, and after
 * MAX_MAIL_ATTEMPTS the mail is marked failed and logged. Answers how many were delivered.
 */
export const dispatchDueMail = Effect.fn("Mail.dispatchDue")(function*(batch: number) {
  const outbox = yield* MailOutbox
  const transport = yield* Mailer
  const due = yield* outbox.due(yield* DateTime.now, batch)
  let delivered = 0
  for (const mail of due) {
    const result = yield* Effect.result(transport.deliver(mail.content))
    const now = yield* DateTime.now
    if (result._tag === "Success") {
      yield* outbox.markSent(mail.id, now, !transport.keepsBodiesInOutbox)
      delivered++
      continue
    }
    const attempts = mail.attempts + 1
    const giveUp = attempts >= MAX_MAIL_ATTEMPTS
    yield* outbox.markAttemptFailed(
      mail.id,
      result.failure.message,
      giveUp ? Option.none() : Option.some(DateTime.add(now, { milliseconds: retryDelayMillis(attempts) }))
    )
    yield* (giveUp ? Effect.logError : Effect.logWarning)(giveUp ? "mail given up" : "mail delivery failed; will retry").pipe(
      Effect.annotateLogs({ mail_id: mail.id, attempts, transport: transport.name, error: result.failure.message })
    )
  }
  return delivered
})
