import { Context, type Effect, type Option } from "effect"

/** Time-based one-time passwords (RFC 6238), 30-second steps, time from the Effect Clock. */
export class Totp extends Context.Service<Totp, {
  readonly generateSecret: Effect.Effect<string>
  readonly uri: (secret: string, accountName: string) => string
  /**
   * The time step a code matches, allowing one step of drift either way, and only steps after
   * `afterStep` (so a code, once used, cannot be used again).
   */
  readonly verify: (secret: string, code: string, afterStep: Option.Option<number>) => Effect.Effect<Option.Option<number>>
}>()("Totp") {}
