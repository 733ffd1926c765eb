import { Context, type Effect, Schema } from "effect"
import type { MailContent } from "../../domain/mail/mail.js"

export class MailDeliveryFailed extends Schema.TaggedError<MailDeliveryFailed>()("MailDeliveryFailed", {
  message: Schema.String
}) {}

/** Hands one mail to whatever carries it (SES, the development log). Failures are retried by the dispatcher. */
export class Mailer extends Context.Tag("Mailer")<Mailer, {
  readonly name: string
  readonly deliver: (mail: MailContent) => Effect.Effect<void, MailDeliveryFailed>
}>() {}
