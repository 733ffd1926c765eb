import { DateTime, Effect } from "effect"
import { type Actor, isAdmin } from "../../domain/identity/actor.js"
import { Forbidden } from "../../domain/shared/errors.js"
import { MailOutbox } from "../ports/mail-outbox.js"
import { decodeCursor, type PageRequest, toPage } from "../shared/pagination.js"

/** The outbox, newest first: admins only (it holds live links). */
export const listOutbox = Effect.fn("Mail.listOutbox")(function*(actor: Actor, page: PageRequest) {
  if (!isAdmin(actor)) return yield* new Forbidden({ reason: "Only administrators may read the outbox" })
  const after = yield* decodeCursor(page.cursor)
  const rows = yield* (yield* MailOutbox).list(after, page.limit)
  return toPage(rows, page.limit, (mail) => ({ at: DateTime.toEpochMillis(mail.createdAt), id: mail.id }))
})
