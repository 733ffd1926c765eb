import { Effect, Layer, Option, Ref } from "effect"
import { type LoginChallenge, type TwoFactorState, TwoFactorRepository } from "../../application/ports/two-factor-repository.js"

interface State {
  readonly totp: ReadonlyMap<string, TwoFactorState>
  /** user id → code hash → used */
  readonly codes: ReadonlyMap<string, ReadonlyMap<string, boolean>>
  readonly challenges: ReadonlyMap<string, LoginChallenge & { readonly consumed: boolean }>
}

/** For tests only. */
export const TwoFactorRepositoryMemory = Layer.effect(
  TwoFactorRepository,
  Effect.gen(function*() {
    const state = yield* Ref.make<State>({ totp: new Map(), codes: new Map(), challenges: new Map() })
    const empty = (userId: TwoFactorState["userId"]): TwoFactorState => ({
      userId,
      secret: Option.none(),
      pendingSecret: Option.none(),
      enabledAt: Option.none(),
      lastStep: Option.none()
    })
    return TwoFactorRepository.of({
      find: (userId) => Effect.map(Ref.get(state), (st) => Option.fromNullishOr(st.totp.get(userId))),
      setPending: (userId, sealed) =>
        Ref.update(state, (st) => ({
          ...st,
          totp: new Map(st.totp).set(userId, { ...(st.totp.get(userId) ?? empty(userId)), pendingSecret: Option.some(sealed) })
        })),
      activate: (userId, now, step, hashes) =>
        Ref.update(state, (st) => {
          const current = st.totp.get(userId)
          if (!current || Option.isNone(current.pendingSecret)) return st
          return {
            ...st,
            totp: new Map(st.totp).set(userId, {
              userId,
              secret: current.pendingSecret,
              pendingSecret: Option.none(),
              enabledAt: Option.some(now),
              lastStep: Option.some(step)
            }),
            codes: new Map(st.codes).set(userId, new Map(hashes.map((h) => [h, false])))
          }
        }),
      disable: (userId) =>
        Ref.update(state, (st) => {
          const totp = new Map(st.totp)
          const codes = new Map(st.codes)
          totp.delete(userId)
          codes.delete(userId)
          return { ...st, totp, codes }
        }),
      advanceStep: (userId, step) =>
        Ref.modify(state, (st) => {
          const current = st.totp.get(userId)
          if (!current || Option.isNone(current.secret) || Option.getOrElse(current.lastStep, () => -1) >= step) {
            return [false, st] as const
          }
          return [true, { ...st, totp: new Map(st.totp).set(userId, { ...current, lastStep: Option.some(step) }) }] as const
        }),
      consumeRecoveryCode: (userId, hash) =>
        Ref.modify(state, (st) => {
          const codes = st.codes.get(userId)
          if (!codes || codes.get(hash) !== false) return [false, st] as const
          return [true, { ...st, codes: new Map(st.codes).set(userId, new Map(codes).set(hash, true)) }] as const
        }),
      remainingRecoveryCodes: (userId) =>
        Effect.map(Ref.get(state), (st) => [...(st.codes.get(userId)?.values() ?? [])].filter((used) => !used).length),
      insertChallenge: (c) =>
        Ref.update(state, (st) => ({ ...st, challenges: new Map(st.challenges).set(c.id, { ...c, consumed: false }) })),
      findChallenge: (hash) =>
        Effect.map(Ref.get(state), (st) =>
          Option.map(
            Option.fromNullishOr([...st.challenges.values()].find((c) => c.tokenHash === hash && !c.consumed)),
            ({ consumed: _, ...challenge }) => challenge
          )),
      recordChallengeFailure: (id) =>
        Ref.modify(state, (st) => {
          const c = st.challenges.get(id)
          if (!c) return [Number.MAX_SAFE_INTEGER, st] as const
          const next = { ...c, attempts: c.attempts + 1 }
          return [next.attempts, { ...st, challenges: new Map(st.challenges).set(id, next) }] as const
        }),
      consumeChallenge: (id) =>
        Ref.modify(state, (st) => {
          const c = st.challenges.get(id)
          if (!c || c.consumed) return [false, st] as const
          return [true, { ...st, challenges: new Map(st.challenges).set(id, { ...c, consumed: true }) }] as const
        })
    })
  })
)
