import { Context, type Effect, type Redacted } from "effect"

export class PasswordHasher extends Context.Service<PasswordHasher, {
  readonly hash: (password: Redacted.Redacted<string>) => Effect.Effect<string>
  /** Never fails on a wrong password or a malformed hash: it answers false. */
  readonly verify: (hash: string, password: Redacted.Redacted<string>) => Effect.Effect<boolean>
  /**
   * Spend the time a verify would, for a login whose email matches no account: without it the
   * answer's speed tells which emails are registered.
   */
  readonly simulateVerify: (password: Redacted.Redacted<string>) => Effect.Effect<void>
}>()("PasswordHasher") {}
