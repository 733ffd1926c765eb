import type { HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { HttpApi } from "effect/http-api"
import { HttpServerRequest } from "effect/http"
import { Context, Effect, type Exit, Layer, Option } from "effect"
import { authenticateApiKey } from "../../application/identity/api-keys.js"
import { authenticateAccessToken } from "../../application/identity/authenticate.js"
import { policies, RateLimitSettings } from "../../application/identity/limits.js"
import { AccessTokens } from "../../application/ports/access-tokens.js"
import { LastUseRecorder } from "../../application/ports/last-use-recorder.js"
import { RequestRateLimiter } from "../../application/ports/rate-limiter.js"
import { enforceRequests } from "../../application/shared/rate-limit.js"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { SecretTokens } from "../../application/ports/secret-tokens.js"
import { SessionRepository } from "../../application/ports/session-repository.js"
import type { Actor } from "../../domain/identity/actor.js"
import { API_KEY_MARK } from "../../domain/identity/api-key.js"
import { Unauthenticated } from "../../domain/identity/errors.js"
import { Forbidden } from "../../domain/shared/errors.js"
import { Access, type AccessRule, refusal } from "./access.js"
import { BrainOpsApi } from "./api.js"
import { Authentication, CurrentActor } from "./current-actor.js"
import { httpErrors } from "./error-mapping.js"
import { contextOf } from "./captured-context.js"
import type { Forbidden as ForbiddenResponse, ServiceUnavailable, TooManyRequests, Unauthorized } from "./errors.js"

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`

/** Every authenticated endpoint's rule, read from the API definition; one without a rule stops startup. */
export function accessRules(): ReadonlyMap<string, AccessRule>
export function accessRules<Id extends string, Groups extends HttpApiGroup.Constraint>(api: HttpApi.HttpApi<Id, Groups>): ReadonlyMap<string, AccessRule>
export function accessRules(api?: unknown): ReadonlyMap<string, AccessRule> {
  const rules = new Map<string, AccessRule>()
  const missing: Array<string> = []
  // Only the endpoints and their annotations are read, which every API has alike.
  HttpApi.reflect((api ?? BrainOpsApi) as typeof BrainOpsApi, {
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
/**
 * The general rate limit, per user: all of a user's sessions and API keys share one budget, so
 * minting more keys does not buy more requests. Every authenticated caller passes here once.
 */
export const enforceGeneralLimit = (actor: Actor) => Effect.flatMap(policies, (p) => enforceRequests(p.api, actor.userId))

export const credentialOf = (request: HttpServerRequest.HttpServerRequest) => {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers["authorization"] ?? "")?.[1]?.trim()
  return bearer ?? request.headers["x-api-key"]?.trim() ?? ""
}

type Refusal = Unauthorized | ForbiddenResponse | TooManyRequests | ServiceUnavailable

export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.gen(function*() {
    const rules = accessRules()
    // Only these: the context is merged into every authenticated request's.
    const context = yield* contextOf(AccessTokens, SessionRepository, ApiKeyRepository, SecretTokens, LastUseRecorder, RequestRateLimiter, RateLimitSettings)

    const authenticate = (request: HttpServerRequest.HttpServerRequest, endpoint: HttpApiEndpoint.Top) =>
      Effect.gen(function*() {
        const token = credentialOf(request)
        if (token === "") return yield* new Unauthenticated({ reason: "no credentials: send Authorization: Bearer <token> or X-API-Key" })
        const actor: Actor = token.startsWith(API_KEY_MARK) ? yield* authenticateApiKey(token) : yield* authenticateAccessToken(token)
        // Fail closed: an endpoint whose rule cannot be found is refused.
        const rule = rules.get(routeKey(endpoint.method, endpoint.path))
        const refused = rule === undefined ? "This endpoint has no access rule" : refusal(rule, actor)
        if (refused !== undefined) return yield* new Forbidden({ reason: refused })
        yield* enforceGeneralLimit(actor)
        return actor
      }).pipe(
        Effect.tapError((error) => error._tag === "Unauthenticated" ? Effect.logDebug("authentication refused", error.reason) : Effect.void),
        httpErrors,
        Effect.provideContext(context)
      )

    // Effect 4 tries the schemes in turn (bearer, then X-API-Key) until one lets the request through,
    // and answers the last one's failure. Both read the one credential of the request, and the
    // outcome is kept per request: the failure is the right one whichever scheme reports it, and a
    // refused request is looked up and counted against the rate limit once, not once per scheme.
    const outcomes = new WeakMap<HttpServerRequest.HttpServerRequest, Exit.Exit<Actor, Refusal>>()
    const resolve = (endpoint: HttpApiEndpoint.Top) =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request): Effect.Effect<Actor, Refusal> => {
        const known = outcomes.get(request)
        if (known !== undefined) return known
        return authenticate(request, endpoint).pipe(Effect.onExit((exit) => Effect.sync(() => outcomes.set(request, exit))))
      })

    const middleware = (
      httpEffect: Parameters<Authentication["Service"]["bearer"]>[0],
      { endpoint }: { readonly endpoint: HttpApiEndpoint.Top }
    ) => Effect.flatMap(resolve(endpoint), (actor) => Effect.provideService(httpEffect, CurrentActor, actor))
    return Authentication.of({ bearer: middleware, apiKey: middleware })
  })
)
