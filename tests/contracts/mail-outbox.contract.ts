import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { MailOutbox } from "../../application/ports/mail-outbox.js"
import { MailContent, MailId, OutboxMail } from "../../domain/mail/mail.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { at } from "../support/fixtures.js"

const mail = (createdAt: DateTime.Utc, to = `to-${crypto.randomUUID().slice(0, 8)}@example.com`) =>
  new OutboxMail({
    id: MailId.make(uuidV7(DateTime.toEpochMillis(createdAt))),
    content: new MailContent({ to, subject: "Hi", text: "text body", html: "<p>html body</p>" }),
    status: "pending",
    attempts: 0,
    nextAttemptAt: createdAt,
    lastError: Option.none(),
    createdAt,
    sentAt: Option.none()
  })

/** What every MailOutbox adapter must do. The tables are shared by the suite's tests: each uses its own clock range. */
export const mailOutboxContract = (it: Vitest.MethodsNonLive<MailOutbox>) =>
  describe("MailOutbox contract", () => {
    it.effect("keeps a mail field for field and hands it out when due, not before", () =>
      Effect.gen(function*() {
        const outbox = yield* MailOutbox
        const base = at("1000 days")
        const m = mail(base)
        yield* outbox.enqueue(m)
        const before = yield* outbox.due(DateTime.subtract(base, { milliseconds: 1 }), 100)
        expect(before.some((d) => d.id === m.id)).toBe(false)
        const due = yield* outbox.due(base, 1000)
        expect(due.find((d) => d.id === m.id)).toEqual(m)
      }))

    it.effect("a sent mail is no longer due; a failed attempt waits for its next time; giving up marks it failed", () =>
      Effect.gen(function*() {
        const outbox = yield* MailOutbox
        const base = at("2000 days")
        const [sent, retried, abandoned] = [mail(base), mail(base), mail(base)]
        yield* Effect.forEach([sent, retried, abandoned], outbox.enqueue)
        yield* outbox.markSent(sent.id, base, false)
        yield* outbox.markAttemptFailed(retried.id, "boom", Option.some(DateTime.add(base, { minutes: 5 })))
        yield* outbox.markAttemptFailed(abandoned.id, "gone", Option.none())
        const dueNow = (yield* outbox.due(base, 1000)).map((m) => m.id)
        expect(dueNow).not.toContain(sent.id)
        expect(dueNow).not.toContain(retried.id)
        expect(dueNow).not.toContain(abandoned.id)
        const later = yield* outbox.due(DateTime.add(base, { minutes: 5 }), 1000)
        const again = later.find((m) => m.id === retried.id)
        expect(again?.attempts).toBe(1)
        expect(again?.lastError).toEqual(Option.some("boom"))
      }))

    it.effect("lists newest first, page after page, without gaps or repeats", () =>
      Effect.gen(function*() {
        const outbox = yield* MailOutbox
        const base = at("3000 days")
        // Two mails share a timestamp, so the id must break the tie.
        const mails = [mail(base), mail(base), mail(DateTime.add(base, { seconds: 1 })), mail(DateTime.add(base, { seconds: 2 }))]
        yield* Effect.forEach(mails, outbox.enqueue)
        const seen: Array<string> = []
        let after = Option.none<{ at: number; id: string }>()
        for (let page = 0; page < 10; page++) {
          const rows = yield* outbox.list(after, 2)
          const items = rows.slice(0, 2)
          seen.push(...items.map((m) => m.id))
          if (rows.length <= 2) break
          const last = items.at(-1)!
          after = Option.some({ at: DateTime.toEpochMillis(last.createdAt), id: last.id })
        }
        const ours = seen.filter((id) => mails.some((m) => m.id === id))
        const expected = [...mails].sort((a, b) =>
          DateTime.toEpochMillis(b.createdAt) - DateTime.toEpochMillis(a.createdAt) || (b.id < a.id ? -1 : 1)
        ).map((m) => m.id)
        expect(ours).toEqual(expected)
        expect(new Set(seen).size).toBe(seen.length)
      }))

    it.effect("a sent mail can forget its bodies, keeping who and what", () =>
      Effect.gen(function*() {
        const outbox = yield* MailOutbox
        const base = at("4000 days")
        const m = mail(base)
        yield* outbox.enqueue(m)
        yield* outbox.markSent(m.id, base, true)
        const [stored] = (yield* outbox.list(Option.none(), 1000)).filter((x) => x.id === m.id)
        expect([stored?.status, stored?.content.to, stored?.content.subject, stored?.content.text, stored?.content.html]).toEqual(
          ["sent", m.content.to, "Hi", "", ""]
        )
      }))
  })
