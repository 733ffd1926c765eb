import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { SessionRepository } from "../../application/ports/session-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { at, makeSession, makeUser } from "../support/fixtures.js"

const withUser = Effect.gen(function*() {
  const user = makeUser()
  yield* (yield* UserRepository).insert(user)
  return user
})

/** What every SessionRepository adapter must do, including the atomicity refresh rotation relies on. */
export const sessionRepositoryContract = (it: Vitest.MethodsNonLive<SessionRepository | UserRepository>) =>
  describe("SessionRepository contract", () => {
    it.effect("stores a session and finds it by id, field for field", () =>
      Effect.gen(function*() {
        const sessions = yield* SessionRepository
        const session = makeSession(yield* withUser, { userAgent: Option.some("curl/8"), ip: Option.none() })
        yield* sessions.insert(session)
        expect(yield* sessions.findById(session.id)).toEqual(Option.some(session))
      }))

    it.effect("finds a session for authentication with its whole user, revoked or not, in one read", () =>
      Effect.gen(function*() {
        const sessions = yield* SessionRepository
        const user = yield* withUser
        const session = makeSession(user)
        yield* sessions.insert(session)
        expect(yield* sessions.findForAuthentication(session.id)).toEqual(Option.some({ session, user }))
        yield* (yield* UserRepository).setRole(user.id, "admin", at("1 minute"))
        yield* sessions.revoke(session.id, at("2 minutes"))
        const found = Option.getOrThrow(yield* sessions.findForAuthentication(session.id))
        expect(found.user.role).toBe("admin")
        expect(found.user).toEqual(Option.getOrThrow(yield* (yield* UserRepository).findById(user.id)))
        expect(found.session.revokedAt).toEqual(Option.some(at("2 minutes")))
        expect(yield* sessions.findForAuthentication(makeSession(user).id)).toEqual(Option.none())
      }))

    it.effect("touchMany records a batch of last uses in one call, only ever moving them forward", () =>
      Effect.gen(function*() {
        const sessions = yield* SessionRepository
        const user = yield* withUser
        const [a, b] = [makeSession(user), makeSession(user, { lastUsedAt: at("10 minutes") })]
        yield* Effect.forEach([a, b], sessions.insert)
        yield* sessions.touchMany([])
        yield* sessions.touchMany([
          { id: a.id, at: at("3 minutes") },
          { id: a.id, at: at("5 minutes") },
          { id: b.id, at: at("4 minutes") },
          { id: makeSession(user).id, at: at("5 minutes") }
        ])
        expect(Option.getOrThrow(yield* sessions.findById(a.id)).lastUsedAt).toEqual(at("5 minutes"))
        expect(Option.getOrThrow(yield* sessions.findById(b.id)).lastUsedAt).toEqual(at("10 minutes"))
      }))

    it.effect("finds a session by its current refresh token hash, and nothing for an unknown one", () =>
      Effect.gen(function*() {
        const sessions = yield* SessionRepository
        const session = makeSession(yield* withUser)
        yield* sessions.insert(session)
        const found = yield* sessions.findByRefreshHash(session.refreshTokenHash)
        expect(Option.map(found, (l) => [l._tag, l.session.id])).toEqual(Option.some(["Current", session.id]))
        expect(Option.isNone(yield* sessions.findByRefreshHash("no-such-hash"))).toBe(true)
      }))

    it.effect("rotates: the new hash is current, the old one is recognised as rotated, and cannot rotate again", () =>
      Effect.gen(function*() {
        const sessions = yield* SessionRepository
        const session = makeSession(yield* withUser)
        yield* sessions.insert(session)
        expect(yield* sessions.rotate(session.id, session.refreshTokenHash, "next-hash-" + session.id, at("1 hour"))).toBe(true)
        const current = Option.getOrThrow(yield* sessions.findByRefreshHash("next-hash-" + session.id))
        expect(current._tag).toBe("Current")
        expect(current.session.lastUsedAt).toEqual(at("1 hour"))
        const old = Option.getOrThrow(yield* sessions.findByRefreshHash(session.refreshTokenHash))
        expect([old._tag, old.session.id]).toEqual(["Rotated", session.id])
        expect(yield* sessions.rotate(session.id, session.refreshTokenHash, "other", at("2 hours"))).toBe(false)
      }))

    it.effect("lets exactly one of several concurrent rotations of one token win", () =>
      Effect.gen(function*() {
        const sessions = yield* SessionRepository
        const session = makeSession(yield* withUser)
        yield* sessions.insert(session)
        const results = yield* Effect.all(
          Array.from({ length: 6 }, (_, i) => sessions.rotate(session.id, session.refreshTokenHash, `h${i}-${session.id}`, at("1 minute"))),
          { concurrency: "unbounded" }
        )
        expect(results.filter(Boolean)).toHaveLength(1)
      }))

    it.effect("revokes once: the first revocation time stays, and a revoked session cannot rotate", () =>
      Effect.gen(function*() {
        const sessions = yield* SessionRepository
        const session = makeSession(yield* withUser)
        yield* sessions.insert(session)
        yield* sessions.revoke(session.id, at("1 hour"))
        yield* sessions.revoke(session.id, at("2 hours"))
        const found = Option.getOrThrow(yield* sessions.findById(session.id))
        expect(found.revokedAt).toEqual(Option.some(at("1 hour")))
        expect(yield* sessions.rotate(session.id, session.refreshTokenHash, "x-" + session.id, at("3 hours"))).toBe(false)
      }))

    it.effect("touchMany of one session moves last_used_at only", () =>
      Effect.gen(function*() {
        const sessions = yield* SessionRepository
        const session = makeSession(yield* withUser)
        yield* sessions.insert(session)
        yield* sessions.touchMany([{ id: session.id, at: at("5 minutes") }])
        const found = Option.getOrThrow(yield* sessions.findById(session.id))
        expect(found.lastUsedAt).toEqual(at("5 minutes"))
        expect(found.refreshTokenHash).toBe(session.refreshTokenHash)
      }))

    it.effect("lists a user's active sessions newest first, in pages, and revokes all but one", () =>
      Effect.gen(function*() {
        const sessions = yield* SessionRepository
        const user = yield* withUser
        const made = [
          makeSession(user, { createdAt: at("1 minute") }),
          makeSession(user, { createdAt: at("2 minutes") }),
          makeSession(user, { createdAt: at("3 minutes") }),
          makeSession(user, { createdAt: at("4 minutes"), revokedAt: Option.some(at("5 minutes")) }),
          makeSession(user, { createdAt: at("5 minutes"), expiresAt: at("6 minutes") })
        ]
        yield* Effect.forEach(made, sessions.insert)
        const now = at("10 minutes")
        const first = yield* sessions.listActiveByUser(user.id, now, Option.none(), 2)
        expect(first.map((s) => s.id)).toEqual([made[2]!.id, made[1]!.id, made[0]!.id])
        const last = first[1]!
        const rest = yield* sessions.listActiveByUser(user.id, now, Option.some({ at: DateTime.toEpochMillis(last.createdAt), id: last.id }), 2)
        expect(rest.map((s) => s.id)).toEqual([made[0]!.id])

        expect(yield* sessions.revokeAllForUser(user.id, now, Option.some(made[2]!.id))).toBe(2)
        const remaining = yield* sessions.listActiveByUser(user.id, now, Option.none(), 10)
        expect(remaining.map((s) => s.id)).toEqual([made[2]!.id])
        expect(yield* sessions.revokeAllForUser(user.id, now, Option.none())).toBe(1)
      }))
  })
