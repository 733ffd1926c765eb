import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Schedule } from "effect"
import { register, TestServerLive, uniqueEmail } from "../support/http.js"
import { LocalSes, LocalSesLive, sesStore } from "../support/local-ses.js"

// The SDK reads credentials from the standard variables; the local endpoint accepts any.
process.env.AWS_ACCESS_KEY_ID ??= "local"
process.env.AWS_SECRET_ACCESS_KEY ??= "local"

const ServerWithSes = Layer.unwrap(
  Effect.map(LocalSes, (ses) =>
    TestServerLive({ SES_REGION: "eu-west-1", SES_ENDPOINT: ses.url, MAIL_FROM: "BrainOps <no-reply@brainops.test>", MAIL_POLL_INTERVAL: "50 millis" }))
).pipe(Layer.provideMerge(LocalSesLive))

layer(ServerWithSes, { timeout: "60 seconds", excludeTestServices: true })("HTTP: mail through SES", (it) => {
  it.effect("with SES_REGION set, registration's verification mail goes out through the SES API", () =>
    Effect.gen(function*() {
      const ses = yield* LocalSes
      const email = uniqueEmail("ses")
      expect((yield* register(email, "correct horse battery staple")).status).toBe(201)
      const sent = yield* sesStore(ses.url).pipe(
        Effect.map((store) => store.emails.find((m) => m.destination.to.includes(email))),
        Effect.filterOrFail((m) => m !== undefined),
        Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo({ duration: "10 seconds" })))
      )
      expect(sent.from).toBe("BrainOps <no-reply@brainops.test>")
      expect(sent.subject).toBe("Confirm your email address")
      expect(sent.body.text).toMatch(/verify-email\?token=/)
      expect(sent.body.html).toContain("<a href=")
    }))
})
