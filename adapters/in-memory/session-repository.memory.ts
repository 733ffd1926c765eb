import { DateTime, Effect, Layer, Option, Ref } from "effect"
import { type RefreshLookup, SessionRepository } from "../../application/ports/session-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { isActive, Session } from "../../domain/identity/session.js"
import { newestFirstAfter } from "./keyset.js"

interface State {
  readonly sessions: ReadonlyMap<string, Session>
  /** rotated-away refresh token hash → session id */
  readonly rotated: ReadonlyMap<string, string>
}

/** For tests only. Reads its users' roles from the UserRepository it is given (the same one the tests fill). */
export const SessionRepositoryMemory = Layer.effect(
  SessionRepository,
  Effect.gen(function*() {
    const users = yield* UserRepository
    const state = yield* Ref.make<State>({ sessions: new Map(), rotated: new Map() })
    const update = (id: string, f: (s: Session) => Session) =>
      Ref.update(state, (st) => {
        const session = st.sessions.get(id)
        return session ? { ...st, sessions: new Map(st.sessions).set(id, f(session)) } : st
      })
    return SessionRepository.of({
      insert: (session) => Ref.update(state, (st) => ({ ...st, sessions: new Map(st.sessions).set(session.id, session) })),
      findById: (id) => Effect.map(Ref.get(state), (st) => Option.fromNullishOr(st.sessions.get(id))),
      findForAuthentication: (id) =>
        Effect.gen(function*() {
          const session = (yield* Ref.get(state)).sessions.get(id)
          if (session === undefined) return Option.none()
          return Option.map(yield* users.findById(session.userId), (user) => ({ session, user }))
        }),
      findByRefreshHash: (hash) =>
        Effect.map(Ref.get(state), (st): Option.Option<RefreshLookup> => {
          const current = [...st.sessions.values()].find((s) => s.refreshTokenHash === hash)
          if (current) return Option.some({ _tag: "Current", session: current })
          const rotatedFrom = st.rotated.get(hash)
          const session = rotatedFrom === undefined ? undefined : st.sessions.get(rotatedFrom)
          return session ? Option.some({ _tag: "Rotated", session }) : Option.none()
        }),
      rotate: (id, fromHash, toHash, now) =>
        Ref.modify(state, (st) => {
          const session = st.sessions.get(id)
          if (!session || session.refreshTokenHash !== fromHash || Option.isSome(session.revokedAt)) {
            return [false, st] as const
          }
          return [true, {
            sessions: new Map(st.sessions).set(id, new Session({ ...session, refreshTokenHash: toHash, lastUsedAt: now })),
            rotated: new Map(st.rotated).set(fromHash, id)
          }] as const
        }),
      touchMany: (uses) =>
        Ref.update(state, (st) => {
          const sessions = new Map(st.sessions)
          for (const { at, id } of uses) {
            const session = sessions.get(id)
            if (session && DateTime.isLessThan(session.lastUsedAt, at)) sessions.set(id, new Session({ ...session, lastUsedAt: at }))
          }
          return { ...st, sessions }
        }),
      revokeAllForUser: (userId, now, except) =>
        Ref.modify(state, (st) => {
          let count = 0
          const sessions = new Map(st.sessions)
          for (const s of st.sessions.values()) {
            const excepted = Option.isSome(except) && except.value === s.id
            if (s.userId === userId && isActive(s, now) && !excepted) {
              sessions.set(s.id, new Session({ ...s, revokedAt: Option.some(now) }))
              count++
            }
          }
          return [count, { ...st, sessions }] as const
        }),
      listActiveByUser: (userId, now, after, limit) =>
        Effect.map(Ref.get(state), (st) =>
          newestFirstAfter([...st.sessions.values()].filter((s) => s.userId === userId && isActive(s, now)), after, limit)),
      revoke: (id, now) =>
        update(id, (s) => Option.isSome(s.revokedAt) ? s : new Session({ ...s, revokedAt: Option.some(now) }))
    })
  })
)
