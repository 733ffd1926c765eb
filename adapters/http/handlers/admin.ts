import { HttpApiBuilder } from "effect/http-api"
import { Effect, Option } from "effect"
import { listOutbox } from "../../../application/mail/list-outbox.js"
import type { OutboxMail } from "../../../domain/mail/mail.js"
import { BrainOpsApi } from "../api.js"
import { CurrentActor, Authentication } from "../current-actor.js"
import { httpErrors } from "../error-mapping.js"
import { OutboxMailResponse } from "../identity-schemas.js"
import { toPageRequest, toPageResponse } from "../pagination.js"
import { capturingOnly } from "../captured-context.js"
import { MailOutbox } from "../../../application/ports/mail-outbox.js"

const toOutboxMailResponse = (mail: OutboxMail) =>
  new OutboxMailResponse({
    id: mail.id,
    to: mail.content.to,
    subject: mail.content.subject,
    text: mail.content.text,
    html: mail.content.html,
    status: mail.status,
    attempts: mail.attempts,
    last_error: Option.getOrNull(mail.lastError),
    created_at: mail.createdAt,
    sent_at: Option.getOrNull(mail.sentAt)
  })

const AdminGroup = HttpApiBuilder.group(BrainOpsApi, "admin", (handlers) =>
  handlers.handle("outbox", ({ query }) =>
    Effect.flatMap(CurrentActor, (actor) => listOutbox(actor, toPageRequest(query))).pipe(
      Effect.map((page) => toPageResponse(page, toOutboxMailResponse)),
      httpErrors
    )))

export const AdminHandlers = capturingOnly(AdminGroup, Authentication, MailOutbox)
