import { Context, type Duration } from "effect"

export class IdentitySettings extends Context.Service<IdentitySettings, {
  /** Lifetime of an access JWT; short, since a stolen one works until it expires or its session ends. */
  readonly accessTokenTtl: Duration.Duration
  /** Absolute lifetime of a login session (and so of its refresh tokens). */
  readonly sessionTtl: Duration.Duration
  /** How long a password-reset link works. */
  readonly resetTokenTtl: Duration.Duration
}>()("IdentitySettings") {}
