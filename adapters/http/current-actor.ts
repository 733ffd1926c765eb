import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import { Context, Schema } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { Forbidden, ServiceUnavailable, TooManyRequests, Unauthorized } from "./errors.js"

export class CurrentActor extends Context.Tag("CurrentActor")<CurrentActor, Actor>() {}

/** Endpoints that carry this middleware need a bearer token; their handlers read the CurrentActor. */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("Authentication", {
  failure: Schema.Union(Unauthorized, Forbidden, TooManyRequests, ServiceUnavailable),
  provides: CurrentActor,
  security: {
    bearer: HttpApiSecurity.bearer,
    apiKey: HttpApiSecurity.apiKey({ key: "X-API-Key", in: "header" })
  }
}) {}
