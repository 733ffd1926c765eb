import { HttpApiMiddleware, HttpApiSecurity } from "effect/http-api"
import { Context } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { Forbidden, ServiceUnavailable, TooManyRequests, Unauthorized } from "./errors.js"

export class CurrentActor extends Context.Service<CurrentActor, Actor>()("CurrentActor") {}

/**
 * Endpoints that carry this middleware need a credential, a bearer token (JWT or API key) or an
 * `X-API-Key` header; their handlers read the CurrentActor.
 */
export class Authentication extends HttpApiMiddleware.Service<Authentication, { provides: CurrentActor }>()("Authentication", {
  error: [Unauthorized, Forbidden, TooManyRequests, ServiceUnavailable],
  security: {
    // The scheme name as the document has always spelled it (it is case-insensitive on the wire).
    bearer: HttpApiSecurity.http({ scheme: "bearer" }),
    apiKey: HttpApiSecurity.apiKey({ key: "X-API-Key", in: "header" })
  }
}) {}
