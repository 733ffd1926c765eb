import { Context, type Effect, type Redacted } from "effect"

export class PasswordHasher extends Context.Service<PasswordHasher, {
  readonly hash: (password: Redacted.Redacted<string>) => Effect.Effect<string>
  /** Never fails on a wrong password or a malformed hash: it answers false. */
  readonly verify: (hash: string, password: Redacted.Redacted<string>) => Effect.Effect<boolean>
  /**
   * A fixed hash of a password nobody knows, made like every other hash of this adapter: a login
   * whose email matches no account verifies against it, so that it does the same work as a login
   * with a wrong password and its answer's speed does not tell which emails are registered.
   */
  readonly decoyHash: string
}>()("PasswordHasher") {}
