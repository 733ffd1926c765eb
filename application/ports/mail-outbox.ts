import { Context, type DateTime, type Effect, type Option } from "effect"
import type { MailId, OutboxMail } from "../../domain/mail/mail.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

/** The durable queue of mails: written in the same transaction as the change that sends them. */
export class MailOutbox extends Context.Service<MailOutbox, {
  readonly enqueue: (mail: OutboxMail) => Effect.Effect<void, StorageUnavailable>
  /** Pending mails due at `now`, oldest first. */
  readonly due: (now: DateTime.Utc, limit: number) => Effect.Effect<ReadonlyArray<OutboxMail>, StorageUnavailable>
  /**
   * Records the delivery. With `forgetBodies` the text and HTML are erased (they hold live links with
   * tokens; once the mail is out, the database need not keep them). Recipient and subject stay.
   */
  readonly markSent: (id: MailId, now: DateTime.Utc, forgetBodies: boolean) => Effect.Effect<void, StorageUnavailable>
  /** Records a failed attempt; with no next attempt the mail is given up (status failed). */
  readonly markAttemptFailed: (
    id: MailId,
    error: string,
    nextAttemptAt: Option.Option<DateTime.Utc>
  ) => Effect.Effect<void, StorageUnavailable>
  /** Newest first, after `after` when given; limit + 1 rows so the caller can tell there is more. */
  readonly list: (
    after: Option.Option<Position>,
    limit: number
  ) => Effect.Effect<ReadonlyArray<OutboxMail>, StorageUnavailable>
}>()("MailOutbox") {}
