import { DateTime, Effect, Option, type Redacted } from "effect"
import type { Email } from "../../domain/identity/user.js"
import { UserRepository } from "../ports/user-repository.js"
import { register } from "./register.js"

export type EnsureAdminOutcome = "created" | "promoted" | "unchanged"

/**
 * Operators' way to get an administrator: creates the account, or promotes an existing one.
 * An existing account keeps its password: this never overwrites a credential someone chose.
 */
export const ensureAdmin = Effect.fn("Identity.ensureAdmin")(function*(input: {
  readonly email: Email
  readonly password: Redacted.Redacted<string>
  readonly name?: string
}) {
  const users = yield* UserRepository
  const existing = yield* users.findByEmail(input.email)
  if (Option.isSome(existing)) {
    if (existing.value.role === "admin") return "unchanged" as EnsureAdminOutcome
    yield* users.setRole(existing.value.id, "admin", yield* DateTime.now)
    yield* Effect.logInfo("user promoted to admin").pipe(Effect.annotateLogs({ user_id: existing.value.id }))
    return "promoted" as EnsureAdminOutcome
  }
  yield* register({ email: input.email, password: input.password, name: input.name ?? "Administrator", role: "admin" })
  return "created" as EnsureAdminOutcome
})
