import { Context, type Effect, Schema } from "effect"
import type { MailContent } from "../../domain/mail/mail.js"

export class MailDeliveryFailed extends Schema.TaggedError<MailDeliveryFailed>()("MailDeliveryFailed", {
  message: Schema.String
}) {}

/** Hands one mail to whatever carries it (SES, the development log). Failures are retried by the dispatcher. */
export class Mailer extends Context.Service<Mailer, {
  readonly name: string
  /**
   * Whether the outbox is where people read the mail (the embedded profile's log mailer): then the
   * bodies are kept after delivery. A mailer that hands mail to a real service does not need them kept.
   */
  readonly keepsBodiesInOutbox: boolean
  readonly deliver: (mail: MailContent) => Effect.Effect<void, MailDeliveryFailed>
}>()("Mailer") {}
