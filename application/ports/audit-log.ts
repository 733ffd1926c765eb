import { Context, type Effect, type Option } from "effect"
import type { AuditEvent } from "../../domain/identity/audit.js"
import type { UserId } from "../../domain/identity/user.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

export class AuditLog extends Context.Service<AuditLog, {
  readonly record: (event: AuditEvent) => Effect.Effect<void, StorageUnavailable>
  /** A user's events, newest first, after `after`; limit + 1 rows so the caller can tell there is more. */
  readonly listByUser: (
    userId: UserId,
    after: Option.Option<Position>,
    limit: number
  ) => Effect.Effect<ReadonlyArray<AuditEvent>, StorageUnavailable>
}>()("AuditLog") {}
