import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Mailer } from "../../application/ports/mailer.js"
import { MailContent } from "../../domain/mail/mail.js"
import { SesMailer } from "../../adapters/ses/ses-mailer.js"
import { LocalSes, LocalSesLive, sesStore } from "../support/local-ses.js"

const transportAt = (endpoint: string) =>
  SesMailer({
    region: "eu-west-1",
    from: "BrainOps <no-reply@brainops.test>",
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" }
  })

describe("SES mail transport", () => {
  it.live("delivers text and HTML through the SDK over HTTP", () =>
    Effect.gen(function*() {
      const ses = yield* LocalSes
      const mail = new MailContent({ to: "ann@example.com", subject: "Hello Ann", text: "plain body", html: "<p>html body</p>" })
      yield* Effect.flatMap(Mailer, (t) => t.deliver(mail)).pipe(Effect.provide(transportAt(ses.url)))
      const store = yield* sesStore(ses.url)
      expect(store.emails).toHaveLength(1)
      expect(store.emails[0]).toMatchObject({
        from: "BrainOps <no-reply@brainops.test>",
        destination: { to: ["ann@example.com"] },
        subject: "Hello Ann",
        body: { text: "plain body", html: "<p>html body</p>" }
      })
    }).pipe(Effect.provide(LocalSesLive)))

  it.live("turns an unreachable endpoint into a delivery failure, not a defect", () =>
    Effect.gen(function*() {
      const mail = new MailContent({ to: "ann@example.com", subject: "s", text: "t", html: "h" })
      const error = yield* Effect.flip(
        Effect.flatMap(Mailer, (t) => t.deliver(mail)).pipe(Effect.provide(transportAt("http://127.0.0.1:9")))
      )
      expect(error._tag).toBe("MailDeliveryFailed")
    }))
})
