import { Effect, Layer, Option, Ref } from "effect"
import { AuditLog } from "../../application/ports/audit-log.js"
import type { AuditEvent } from "../../domain/identity/audit.js"
import { newestFirstAfter } from "./keyset.js"

/** For tests only. */
export const AuditLogMemory = Layer.effect(
  AuditLog,
  Effect.gen(function*() {
    const events = yield* Ref.make<ReadonlyArray<AuditEvent>>([])
    return AuditLog.of({
      record: (event) => Ref.update(events, (all) => [...all, event]),
      listByUser: (userId, after, limit) =>
        Effect.map(Ref.get(events), (all) => newestFirstAfter(all.filter((e) => Option.contains(e.userId, userId)), after, limit))
    })
  })
)
