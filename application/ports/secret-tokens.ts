import { Context, type Effect } from "effect"

/**
 * Opaque secrets handed to a client once (refresh tokens, later reset links and API keys) and kept
 * only as a hash. The hash is a fast keyed-free digest: the secret has 256 bits of entropy, so no
 * slow password hash is needed, and it must be looked up in one indexed query.
 */
export class SecretTokens extends Context.Service<SecretTokens, {
  readonly generate: Effect.Effect<string>
  /** `length` characters drawn uniformly from `alphabet` (codes people type, such as recovery codes). */
  readonly randomString: (alphabet: string, length: number) => Effect.Effect<string>
  readonly hash: (token: string) => string
}>()("SecretTokens") {}
