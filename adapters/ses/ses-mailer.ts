import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses"
import { Effect, Layer } from "effect"
import { MailDeliveryFailed, Mailer } from "../../application/ports/mailer.js"

export interface SesOptions {
  readonly region: string
  readonly from: string
  /** An SES-compatible endpoint (a local stand-in in tests); the AWS one when absent. */
  readonly endpoint?: string | undefined
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined
}

/** Amazon SES (v1 SendEmail): plain-text and HTML bodies. The SDK's own retries are off: the outbox retries. */
export const SesMailer = (options: SesOptions) =>
  Layer.effect(
    Mailer,
    Effect.gen(function*() {
      const client = yield* Effect.acquireRelease(
        Effect.sync(() =>
          new SESClient({
            region: options.region,
            maxAttempts: 1,
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
            ...(options.credentials ? { credentials: options.credentials } : {})
          })
        ),
        (c) => Effect.sync(() => c.destroy())
      )
      return Mailer.of({
        name: "ses",
        keepsBodiesInOutbox: false,
        deliver: (mail) =>
          Effect.tryPromise({
            try: (signal) =>
              client.send(
                new SendEmailCommand({
                  Source: options.from,
                  Destination: { ToAddresses: [mail.to] },
                  Message: {
                    Subject: { Data: mail.subject, Charset: "UTF-8" },
                    Body: { Text: { Data: mail.text, Charset: "UTF-8" }, Html: { Data: mail.html, Charset: "UTF-8" } }
                  }
                }),
                { abortSignal: signal }
              ),
            catch: (error) => new MailDeliveryFailed({ message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
          }).pipe(
            Effect.timeoutOrElse({ duration: "15 seconds", orElse: () => Effect.fail(new MailDeliveryFailed({ message: "SES timed out" })) }),
            Effect.asVoid
          )
      })
    })
  )
