import type { Server } from "node:http"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { MailTransport } from "../../application/ports/mail-transport.js"
import { MailContent } from "../../domain/mail/mail.js"
import { SesMailTransport } from "../../adapters/ses/ses-transport.js"

/** A real SES v1 HTTP endpoint on loopback (aws-ses-v2-local), started by the test. */
const LocalSes = Effect.acquireRelease(
  Effect.promise(async () => {
    type Start = (options: object) => Promise<Server>
    // CommonJS seen from ESM: the default export sits one level down under tsx, at the top under vitest.
    const module = (await import("aws-ses-v2-local")) as unknown as { default: Start | { default: Start } }
    const start = typeof module.default === "function" ? module.default : module.default.default
    const server = await start({ host: "127.0.0.1", port: 0 })
    const address = server.address()
    if (address === null || typeof address === "string") throw new Error("no address")
    return { server, url: `http://127.0.0.1:${address.port}` }
  }),
  ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
)

const transportAt = (endpoint: string) =>
  SesMailTransport({
    region: "eu-west-1",
    from: "BrainOps <no-reply@brainops.test>",
    endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" }
  })

describe("SES mail transport", () => {
  it.scopedLive("delivers text and HTML through the SDK over HTTP", () =>
    Effect.gen(function*() {
      const ses = yield* LocalSes
      const mail = new MailContent({ to: "ann@example.com", subject: "Hello Ann", text: "plain body", html: "<p>html body</p>" })
      yield* Effect.flatMap(MailTransport, (t) => t.deliver(mail)).pipe(Effect.provide(transportAt(ses.url)))
      const store = yield* Effect.promise(() => fetch(`${ses.url}/store`).then((r) => r.json() as Promise<{ emails: Array<any> }>))
      expect(store.emails).toHaveLength(1)
      expect(store.emails[0]).toMatchObject({
        from: "BrainOps <no-reply@brainops.test>",
        destination: { to: ["ann@example.com"] },
        subject: "Hello Ann",
        body: { text: "plain body", html: "<p>html body</p>" }
      })
    }))

  it.scopedLive("turns an unreachable endpoint into a delivery failure, not a defect", () =>
    Effect.gen(function*() {
      const mail = new MailContent({ to: "ann@example.com", subject: "s", text: "t", html: "h" })
      const error = yield* Effect.flip(
        Effect.flatMap(MailTransport, (t) => t.deliver(mail)).pipe(Effect.provide(transportAt("http://127.0.0.1:9")))
      )
      expect(error._tag).toBe("MailDeliveryFailed")
    }))
})
