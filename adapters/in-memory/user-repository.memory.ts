import { Effect, Layer, Option, Ref } from "effect"
import { UserRepository } from "../../application/ports/user-repository.js"
import { EmailAlreadyRegistered } from "../../domain/identity/errors.js"
import { User } from "../../domain/identity/user.js"

/** For tests only. */
export const UserRepositoryMemory = Layer.effect(
  UserRepository,
  Effect.gen(function*() {
    const users = yield* Ref.make(new Map<string, User>())
    const find = (predicate: (user: User) => boolean) =>
      Effect.map(Ref.get(users), (all) => Option.fromNullishOr([...all.values()].find(predicate)))
    const update = (id: string, f: (u: User) => User) =>
      Ref.update(users, (all) => {
        const user = all.get(id)
        return user ? new Map(all).set(id, f(user)) : all
      })
    return UserRepository.of({
      insert: (user) =>
        Ref.modify(users, (all) => {
          const taken = [...all.values()].some((u) => u.email.toLowerCase() === user.email.toLowerCase())
          if (taken || all.has(user.id)) return [false, all] as const
          return [true, new Map(all).set(user.id, user)] as const
        }).pipe(Effect.flatMap((inserted) => inserted ? Effect.void : Effect.fail(new EmailAlreadyRegistered()))),
      findById: (id) => Effect.map(Ref.get(users), (all) => Option.fromNullishOr(all.get(id))),
      findByEmail: (email) => find((u) => u.email.toLowerCase() === email.toLowerCase()),
      setRole: (id, role, updatedAt) => update(id, (u) => new User({ ...u, role, updatedAt })),
      setPasswordHash: (id, passwordHash, updatedAt) => update(id, (u) => new User({ ...u, passwordHash, updatedAt })),
      markEmailVerified: (id, at) =>
        update(id, (u) =>
          new User({ ...u, emailVerifiedAt: Option.orElse(u.emailVerifiedAt, () => Option.some(at)), updatedAt: at }))
    })
  })
)
