import { Context, Effect, Option } from "effect"

/** Where a request came from, for sessions and the audit log. */
export interface ClientInfo {
  readonly ip: Option.Option<string>
  readonly userAgent: Option.Option<string>
}

/**
 * The client of the request being served, provided by the driving adapter for each request. Optional
 * on purpose: a use-case run by the CLI or a job has no client.
 */
export class RequestClient extends Context.Service<RequestClient, ClientInfo>()("RequestClient") {}

export const NO_CLIENT: ClientInfo = { ip: Option.none(), userAgent: Option.none() }

export const currentClient: Effect.Effect<ClientInfo> = Effect.map(
  Effect.serviceOption(RequestClient),
  Option.getOrElse(() => NO_CLIENT)
)
