import { Effect, Layer } from "effect"
import { Mailer } from "../../application/ports/mailer.js"

/**
 * The embedded profile's mail: nothing leaves the machine. Each mail stays in the outbox table (read
 * it at GET /api/v1/admin/outbox) and is written to the log, links included, for development.
 */
export const LogMailer = Layer.succeed(Mailer, Mailer.of({
  name: "log",
  keepsBodiesInOutbox: true,
  deliver: (mail) =>
    Effect.logInfo("mail (embedded outbox; not sent)").pipe(
      Effect.annotateLogs({ to: mail.to, subject: mail.subject, text: mail.text })
    )
}))
