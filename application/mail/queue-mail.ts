import { DateTime, Effect, Option } from "effect"
import { MailId, type MailContent, OutboxMail } from "../../domain/mail/mail.js"
import { Ids } from "../ports/ids.js"
import { MailOutbox } from "../ports/mail-outbox.js"

/**
 * Puts a mail in the outbox. Call it inside the transaction of the change that causes it: the mail
 * then exists exactly when the change does, and a slow or failing mail service never touches the request.
 */
export const queueMail = Effect.fn("Mail.queue")(function*(content: MailContent) {
  const now = yield* DateTime.now
  const mail = new OutboxMail({
    id: MailId.make(yield* (yield* Ids).next),
    content,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    lastError: Option.none(),
    createdAt: now,
    sentAt: Option.none()
  })
  yield* (yield* MailOutbox).enqueue(mail)
  return mail.id
})
