import { Context, Duration, Effect, Option } from "effect"
import type { RateLimitPolicy } from "../shared/rate-limit.js"
import { enforce } from "../shared/rate-limit.js"
import { RequestClient } from "./client.js"

export class RateLimitSettings extends Context.Service<RateLimitSettings, {
  /** Requests a minute for one user over the whole authenticated API: its sessions and API keys share them. */
  readonly apiPerMinute: number
  /** Login attempts a minute from one address. */
  readonly loginPerMinutePerIp: number
  /** Registrations an hour from one address. */
  readonly registerPerHourPerIp: number
  /** Failed sign-ins to one account before it is locked, and for how long. */
  readonly lockoutThreshold: number
  readonly lockoutDuration: Duration.Duration
}>()("RateLimitSettings") {}

/** The policies, from the settings. Counters are keyed by policy name, so the names must stay distinct. */
export const policies = Effect.map(RateLimitSettings, (s) => ({
  api: { name: "requests", limit: s.apiPerMinute, window: Duration.minutes(1) },
  loginPerIp: { name: "login attempts from this address", limit: s.loginPerMinutePerIp, window: Duration.minutes(1) },
  lockout: { name: "failed sign-ins to this account", limit: s.lockoutThreshold, window: s.lockoutDuration },
  registerPerIp: { name: "registrations from this address", limit: s.registerPerHourPerIp, window: Duration.hours(1) },
  forgotPerIp: { name: "password reset requests from this address", limit: 10, window: Duration.hours(1) },
  forgotPerEmail: { name: "password reset requests for this email", limit: 3, window: Duration.hours(1) },
  twoFactorPerIp: { name: "two-factor attempts from this address", limit: 30, window: Duration.minutes(1) },
  twoFactorFailuresPerUser: { name: "wrong two-factor codes for this account", limit: 10, window: Duration.minutes(15) },
  // A session that asks again for the password or a code (change password, 2FA on and off): a stolen
  // session must not become an unlimited oracle for them.
  reauthFailuresPerUser: { name: "failed re-authentications for this account", limit: 10, window: Duration.minutes(15) },
  resendPerUser: { name: "verification mails for this account", limit: 3, window: Duration.hours(1) }
} satisfies Record<string, RateLimitPolicy>))

/**
 * Per-address limits guard the network edge: a use-case run with no request client (the CLI, startup)
 * is an operator's, and is not counted.
 */
export const enforcePerAddress = (policy: RateLimitPolicy) =>
  Effect.flatMap(Effect.serviceOption(RequestClient), (client) =>
    Option.isNone(client) ? Effect.void : Effect.asVoid(enforce(policy, Option.getOrElse(client.value.ip, () => "unknown"))))
