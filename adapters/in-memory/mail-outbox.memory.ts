import { DateTime, Effect, Layer, Option, Ref } from "effect"
import { MailOutbox } from "../../application/ports/mail-outbox.js"
import { MailContent, OutboxMail } from "../../domain/mail/mail.js"
import { newestFirstAfter } from "./keyset.js"

/** For tests only. */
export const MailOutboxMemory = Layer.effect(
  MailOutbox,
  Effect.gen(function*() {
    const mails = yield* Ref.make(new Map<string, OutboxMail>())
    const update = (id: string, f: (m: OutboxMail) => OutboxMail) =>
      Ref.update(mails, (all) => {
        const mail = all.get(id)
        return mail ? new Map(all).set(id, f(mail)) : all
      })
    return MailOutbox.of({
      enqueue: (mail) => Ref.update(mails, (all) => new Map(all).set(mail.id, mail)),
      due: (now, limit) =>
        Effect.map(Ref.get(mails), (all) =>
          [...all.values()]
            .filter((m) => m.status === "pending" && DateTime.isLessThanOrEqualTo(m.nextAttemptAt, now))
            .sort((a, b) => DateTime.toEpochMillis(a.nextAttemptAt) - DateTime.toEpochMillis(b.nextAttemptAt))
            .slice(0, limit)),
      markSent: (id, now, forgetBodies) =>
        update(id, (m) =>
          new OutboxMail({
            ...m,
            content: forgetBodies ? new MailContent({ ...m.content, text: "", html: "" }) : m.content,
            status: "sent",
            sentAt: Option.some(now),
            attempts: m.attempts + 1
          })),
      markAttemptFailed: (id, error, next) =>
        update(id, (m) =>
          new OutboxMail({
            ...m,
            attempts: m.attempts + 1,
            lastError: Option.some(error),
            status: Option.isSome(next) ? m.status : "failed",
            nextAttemptAt: Option.getOrElse(next, () => m.nextAttemptAt)
          })),
      list: (after, limit) => Effect.map(Ref.get(mails), (all) => newestFirstAfter(all.values(), after, limit))
    })
  })
)
