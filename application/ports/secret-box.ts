import { Context, type Effect, Schema } from "effect"

export class SecretBoxOpenFailed extends Schema.TaggedError<SecretBoxOpenFailed>()("SecretBoxOpenFailed", {}) {}

/** Authenticated encryption of secrets kept at rest (2FA seeds), with the key from configuration. */
export class SecretBox extends Context.Service<SecretBox, {
  readonly seal: (plaintext: string) => Effect.Effect<string>
  readonly open: (sealed: string) => Effect.Effect<string, SecretBoxOpenFailed>
}>()("SecretBox") {}
