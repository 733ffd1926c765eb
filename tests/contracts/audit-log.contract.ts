import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { AuditLog } from "../../application/ports/audit-log.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { AuditEvent, AuditEventId } from "../../domain/identity/audit.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { at, makeUser } from "../support/fixtures.js"

/** What every AuditLog adapter must do. */
export const auditLogContract = (it: Vitest.MethodsNonLive<AuditLog | UserRepository>) =>
  describe("AuditLog contract", () => {
    it.effect("keeps events per user, field for field, newest first, in pages", () =>
      Effect.gen(function*() {
        const audit = yield* AuditLog
        const [ann, bob] = [makeUser(), makeUser()]
        yield* Effect.forEach([ann, bob], (u) => Effect.flatMap(UserRepository, (r) => r.insert(u)))
        const event = (userId: typeof ann.id, minutes: number, type: AuditEvent["type"]) =>
          new AuditEvent({
            id: AuditEventId.make(uuidV7(DateTime.toEpochMillis(at(`${minutes} minutes`)))),
            userId: Option.some(userId),
            type,
            ip: Option.some("198.51.100.1"),
            userAgent: Option.none(),
            details: { key: "value" },
            createdAt: at(`${minutes} minutes`)
          })
        const events = [event(ann.id, 1, "login.succeeded"), event(ann.id, 2, "password.changed"), event(ann.id, 3, "session.revoked"), event(bob.id, 4, "login.failed")]
        yield* Effect.forEach(events, audit.record)
        const first = yield* audit.listByUser(ann.id, Option.none(), 2)
        expect(first.slice(0, 2)).toEqual([events[2], events[1]])
        expect(first).toHaveLength(3)
        const last = first[1]!
        const rest = yield* audit.listByUser(ann.id, Option.some({ at: DateTime.toEpochMillis(last.createdAt), id: last.id }), 2)
        expect(rest).toEqual([events[0]])
        expect(yield* audit.listByUser(bob.id, Option.none(), 10)).toEqual([events[3]])
      }))
  
    it.effect("keeps an event of no account (a sign-in to an unknown email), listed for nobody", () =>
      Effect.gen(function*() {
        const audit = yield* AuditLog
        const ann = makeUser()
        yield* (yield* UserRepository).insert(ann)
        const nobody = new AuditEvent({
          id: AuditEventId.make(uuidV7(DateTime.toEpochMillis(at("10 minutes")))),
          userId: Option.none(),
          type: "login.failed",
          ip: Option.some("198.51.100.9"),
          userAgent: Option.none(),
          details: { reason: "unknown email" },
          createdAt: at("10 minutes")
        })
        yield* audit.record(nobody)
        expect(yield* audit.listByUser(ann.id, Option.none(), 10)).toEqual([])
      }))
  })
