import { Context, type Effect, type Option } from "effect"
import type { EmailAlreadyRegistered } from "../../domain/identity/errors.js"
import type { Email, Role, User, UserId } from "../../domain/identity/user.js"
import type { StorageUnavailable } from "./errors.js"

export class UserRepository extends Context.Service<UserRepository, {
  /** Fails with EmailAlreadyRegistered when the (normalised) email is taken, even under a race. */
  readonly insert: (user: User) => Effect.Effect<void, EmailAlreadyRegistered | StorageUnavailable>
  readonly findById: (id: UserId) => Effect.Effect<Option.Option<User>, StorageUnavailable>
  readonly findByEmail: (email: Email) => Effect.Effect<Option.Option<User>, StorageUnavailable>
  readonly setRole: (id: UserId, role: Role, updatedAt: User["updatedAt"]) => Effect.Effect<void, StorageUnavailable>
  readonly setPasswordHash: (
    id: UserId,
    passwordHash: string,
    updatedAt: User["updatedAt"]
  ) => Effect.Effect<void, StorageUnavailable>
  /** Sets email_verified_at once; a later call keeps the first time. */
  readonly markEmailVerified: (id: UserId, at: User["updatedAt"]) => Effect.Effect<void, StorageUnavailable>
}>()("UserRepository") {}
