import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted, Ref } from "effect"
import { TestClock } from "effect/testing"
import { login } from "../../application/identity/login.js"
import { register } from "../../application/identity/register.js"
import { AuditLog } from "../../application/ports/audit-log.js"
import { PasswordHasher } from "../../application/ports/password-hasher.js"
import { AuditLogMemory } from "../../adapters/in-memory/audit-log.memory.js"
import { PasswordHasherMemory } from "../../adapters/in-memory/password-hasher.memory.js"
import type { AuditEvent } from "../../domain/identity/audit.js"
import { Email } from "../../domain/identity/user.js"
import { UseCaseLayer } from "../support/identity-helpers.js"

/** What a login did, as its adapters saw it: each verify (with the hash it was against), each audit write. */
class Spy extends Context.Service<Spy, {
  readonly verified: Ref.Ref<ReadonlyArray<string>>
  readonly audited: Ref.Ref<ReadonlyArray<AuditEvent>>
}>()("Spy") {}

const SpyLive = Layer.effect(Spy, Effect.all({ verified: Ref.make<ReadonlyArray<string>>([]), audited: Ref.make<ReadonlyArray<AuditEvent>>([]) }))

const SpyHasher = Layer.effect(
  PasswordHasher,
  Effect.gen(function*() {
    const real = yield* PasswordHasher
    const spy = yield* Spy
    return PasswordHasher.of({
      ...real,
      verify: (hash, password) => Effect.andThen(Ref.update(spy.verified, (all) => [...all, hash]), real.verify(hash, password))
    })
  })
).pipe(Layer.provide(PasswordHasherMemory))

const SpyAudit = Layer.effect(
  AuditLog,
  Effect.gen(function*() {
    const real = yield* AuditLog
    const spy = yield* Spy
    return AuditLog.of({ ...real, record: (event) => Effect.andThen(Ref.update(spy.audited, (all) => [...all, event]), real.record(event)) })
  })
).pipe(Layer.provide(AuditLogMemory))

const Spied = Layer.mergeAll(SpyHasher, SpyAudit).pipe(Layer.provideMerge(SpyLive))

const ann = { email: Email.make("ann@example.com"), password: Redacted.make("correct horse battery"), name: "Ann" }

/** Runs one refused login with fresh spies and answers what it did. */
const observe = (email: Email) =>
  Effect.gen(function*() {
    const spy = yield* Spy
    yield* Ref.set(spy.verified, [])
    yield* Ref.set(spy.audited, [])
    const error = yield* Effect.flip(login({ email, password: Redacted.make("not the password") }))
    return { error: error._tag, verified: yield* Ref.get(spy.verified), audited: yield* Ref.get(spy.audited) }
  })

describe("login timing", () => {
  // Measured against a running server: 73 ms (wrong password) vs 52 ms (unknown email) medians.
  it.effect("an unknown email does the wrong password's work: one real verify (against the decoy hash) and one audit write", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-01T09:00:00Z"))
      const user = yield* register(ann)
      const wrongPassword = yield* observe(ann.email)
      const unknownEmail = yield* observe(Email.make("ghost@example.com"))
      const decoy = (yield* PasswordHasher).decoyHash

      expect(wrongPassword.error).toBe("InvalidCredentials")
      expect(unknownEmail.error).toBe("InvalidCredentials")
      expect(wrongPassword.verified).toEqual([user.passwordHash])
      expect(unknownEmail.verified).toEqual([decoy])
      expect(wrongPassword.audited.map((e) => [e.type, e.details.reason])).toEqual([["login.failed", "wrong password"]])
      expect(unknownEmail.audited.map((e) => [e.type, e.details.reason])).toEqual([["login.failed", "unknown email"]])
      expect(unknownEmail.audited[0]!.userId._tag).toBe("None")
    }).pipe(Effect.provide(Spied), Effect.provide(UseCaseLayer)))
})
