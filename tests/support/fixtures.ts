import { randomUUID } from "node:crypto"
import { DateTime, Duration, Effect, Either, Option } from "effect"
import { Session, SessionId } from "../../domain/identity/session.js"
import { Email, User, UserId } from "../../domain/identity/user.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"

export const T0 = DateTime.unsafeMake("2026-01-01T00:00:00.000Z")
export const at = (offset: Duration.DurationInput) => DateTime.addDuration(T0, offset)

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
  Effect.map(Effect.either(effect), Either.match({ onLeft: (e) => e._tag, onRight: () => "ok" }))
