import { randomUUID } from "node:crypto"
import { DateTime, Duration, Effect, Option, Result } from "effect"
import * as fc from "fast-check"
import { Session, SessionId } from "../../domain/identity/session.js"
import { Email, User, UserId } from "../../domain/identity/user.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"

export const T0 = DateTime.makeUnsafe("2026-01-01T00:00:00.000Z")
export const at = (offset: Duration.Input) => DateTime.addDuration(T0, offset)

export const uniqueEmail = (prefix = "user") => Email.make(`${prefix}-${randomUUID().slice(0, 8)}@example.com`)

export const makeUser = (overrides: Partial<ConstructorParameters<typeof User>[0]> = {}) =>
  new User({
    id: UserId.make(uuidV7(Date.now())),
    email: uniqueEmail(),
    name: "Test User",
    role: "user",
    passwordHash: "hash",
    emailVerifiedAt: Option.none(),
    createdAt: T0,
    updatedAt: T0,
    ...overrides
  })

export const makeSession = (user: User, overrides: Partial<ConstructorParameters<typeof Session>[0]> = {}) =>
  new Session({
    id: SessionId.make(uuidV7(Date.now())),
    userId: user.id,
    refreshTokenHash: randomUUID(),
    createdAt: T0,
    lastUsedAt: T0,
    expiresAt: at("30 days"),
    ip: Option.some("127.0.0.1"),
    userAgent: Option.none(),
    revokedAt: Option.none(),
    ...overrides
  })

/** The tag of an effect's failure, or "ok": for asserting which domain error a use-case answers. */
export const tagOf = <A, E extends { _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.result(effect), Result.match({ onFailure: (e) => e._tag, onSuccess: () => "ok" }))

/**
 * Checks a fast-check property whose body is an Effect, inside the running test: each run sees the
 * test's services (its layer, TestClock). @effect/vitest 4's `it.effect.prop` only takes Schemas and
 * `effect/Arbitrary` values, not fast-check arbitraries; a failure still shrinks and reports the
 * counterexample through `fc.assert`.
 */
export const checkProperty = <T, E, R>(
  arbitrary: fc.Arbitrary<T>,
  property: (value: T) => Effect.Effect<unknown, E, R>,
  parameters?: fc.Parameters<[T]>
) =>
  Effect.flatMap(Effect.context<R>(), (context) =>
    Effect.promise(() =>
      fc.assert(fc.asyncProperty(arbitrary, (value) => Effect.runPromiseWith(context)(Effect.asVoid(property(value)))), parameters)
    ))
