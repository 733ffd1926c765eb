import { HttpApi, HttpRouter, HttpServerRequest } from "@effect/platform"
import { Context, Effect, Layer, Option } from "effect"
import { authenticateApiKey } from "../../application/identity/api-keys.js"
import { authenticateAccessToken } from "../../application/identity/authenticate.js"
import { policies, RateLimitSettings } from "../../application/identity/limits.js"
import { AccessTokens } from "../../application/ports/access-tokens.js"
import { RateLimiter } from "../../application/ports/rate-limiter.js"
import { enforce } from "../../application/shared/rate-limit.js"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { SecretTokens } from "../../application/ports/secret-tokens.js"
import { SessionRepository } from "../../application/ports/session-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import type { Actor } from "../../domain/identity/actor.js"
import { API_KEY_MARK } from "../../domain/identity/api-key.js"
import { Unauthenticated } from "../../domain/identity/errors.js"
import { Forbidden } from "../../domain/shared/errors.js"
import { Access, type AccessRule, refusal } from "./access.js"
import { BrainOpsApi } from "./api.js"
import { Authentication } from "./current-actor.js"
import { httpErrors } from "./error-mapping.js"

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`

/** Every authenticated endpoint's rule, read from the API definition; one without a rule stops startup. */
export const accessRules = (api: HttpApi.HttpApi.Any = BrainOpsApi): ReadonlyMap<string, AccessRule> => {
  const rules = new Map<string, AccessRule>()
  const missing: Array<string> = []
  HttpApi.reflect(api as typeof BrainOpsApi, {
    onGroup: () => {},
    onEndpoint: ({ endpoint, mergedAnnotations, middleware }) => {
      if (![...middleware].some((tag) => tag.key === Authentication.key)) return
      const rule = Context.getOption(mergedAnnotations, Access)
      if (Option.isNone(rule)) missing.push(routeKey(endpoint.method, endpoint.path))
      else rules.set(routeKey(endpoint.method, endpoint.path), rule.value)
    }
  })
  if (missing.length > 0) throw new Error(`authenticated endpoints without an access rule: ${missing.join(", ")}`)
  return rules
}

/** The credential of the request: `Authorization: Bearer …` (a JWT or an API key), else `X-API-Key`. */
const credential = Effect.map(Effect.serviceOption(HttpServerRequest.HttpServerRequest), (request) => {
  if (Option.isNone(request)) return ""
  const authorization = request.value.headers["authorization"] ?? ""
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim()
  return bearer ?? request.value.headers["x-api-key"]?.trim() ?? ""
})

export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.gen(function*() {
    const rules = accessRules()
    const context = yield* Effect.context<
      AccessTokens | SessionRepository | UserRepository | ApiKeyRepository | SecretTokens | RateLimiter | RateLimitSettings
    >()
    // Both schemes (bearer, X-API-Key) read the request themselves, so whichever the platform tries
    // last reports the same, right failure.
    const authenticate = Effect.gen(function*() {
      const token = yield* credential
      if (token === "") return yield* new Unauthenticated({ reason: "no credentials: send Authorization: Bearer <token> or X-API-Key" })
      const actor: Actor = token.startsWith(API_KEY_MARK) ? yield* authenticateApiKey(token) : yield* authenticateAccessToken(token)
      const route = yield* Effect.serviceOption(HttpRouter.RouteContext)
      const rule = Option.flatMap(route, (r) => Option.fromNullable(rules.get(routeKey(r.route.method, String(r.route.path)))))
      // Fail closed: an endpoint whose rule cannot be found is refused.
      const refused = Option.match(rule, { onNone: () => "This endpoint has no access rule", onSome: (r) => refusal(r, actor) })
      if (refused !== undefined) return yield* new Forbidden({ reason: refused })
      // The general limit, per API key or per user (all of a user's sessions share one budget).
      yield* enforce((yield* policies).api, Option.getOrElse(actor.apiKeyId, () => actor.userId))
      return actor
    }).pipe(
      Effect.tapError((error) => error._tag === "Unauthenticated" ? Effect.logDebug("authentication refused", error.reason) : Effect.void),
      httpErrors,
      Effect.provide(context)
    )
    return { bearer: () => authenticate, apiKey: () => authenticate }
  })
)
