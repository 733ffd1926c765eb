import { HttpServerRequest } from "effect/http"
import { Effect, Option } from "effect"
import { authenticateApiKey } from "../../application/identity/api-keys.js"
import { authenticateAccessToken } from "../../application/identity/authenticate.js"
import type { Actor } from "../../domain/identity/actor.js"
import { API_KEY_MARK } from "../../domain/identity/api-key.js"
import { credentialOf, enforceGeneralLimit } from "./auth-middleware.js"
import { httpErrors } from "./error-mapping.js"

/**
 * The caller of an endpoint open to anyone that shows more to some callers (a seller reading its own
 * unapproved product): none without a credential; a credential that is sent must hold (401 if not,
 * as anywhere else), and counts against the same general rate limit as the authenticated endpoints.
 */
export const optionalCaller = Effect.gen(function*() {
  const token = credentialOf(yield* HttpServerRequest.HttpServerRequest)
  if (token === "") return Option.none<Actor>()
  const actor: Actor = token.startsWith(API_KEY_MARK) ? yield* authenticateApiKey(token) : yield* authenticateAccessToken(token)
  yield* enforceGeneralLimit(actor)
  return Option.some(actor)
}).pipe(httpErrors)
