import { Duration, Effect, Layer, Option, Schedule } from "effect"
import { dispatchDueMail } from "../application/mail/dispatch.js"
import { MailSettings } from "../application/mail/settings.js"
import { LogMailer } from "../adapters/outbox-mail/log-mailer.js"
import { type AppConfig, publicBaseUrlOf } from "./config.js"
import { lazyLayer } from "./lazy.js"

/** SES when SES_REGION is set; otherwise the embedded outbox, which logs each mail and keeps it in the database. */
export const MailerLive = (config: AppConfig) =>
  Option.match(config.sesRegion, {
    onNone: () => LogMailer,
    onSome: (region) =>
      lazyLayer(() =>
        import("../adapters/ses/ses-mailer.js").then(({ SesMailer }) =>
          SesMailer({ region, from: config.mailFrom, endpoint: Option.getOrUndefined(config.sesEndpoint) })
        )
      )
  })

export const MailSettingsLive = (config: AppConfig) =>
  Layer.succeed(MailSettings, {
    publicBaseUrl: publicBaseUrlOf(config)
  })

/**
 * Delivers the outbox in the background of the server process. A failed round (the database away)
 * is logged and the loop goes on; the mails wait in the outbox.
 */
export const MailDispatcherLive = (config: AppConfig) =>
  Layer.effectDiscard(
    dispatchDueMail(25).pipe(
      Effect.catchCause((cause) => Effect.logWarning("mail dispatch round failed", cause)),
      Effect.repeat(Schedule.spaced(Duration.toMillis(config.mailPollInterval))),
      Effect.forkScoped
    )
  )
