import { Effect, Layer, Redacted } from "effect"
import { authenticateAccessToken } from "../../application/identity/authenticate.js"
import { AccessTokens } from "../../application/ports/access-tokens.js"
import { SessionRepository } from "../../application/ports/session-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { Authentication } from "./current-actor.js"
import { httpErrors } from "./error-mapping.js"

export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.gen(function*() {
    const context = yield* Effect.context<AccessTokens | SessionRepository | UserRepository>()
    return {
      bearer: (token) =>
        authenticateAccessToken(Redacted.value(token)).pipe(
          Effect.tapError((error) =>
            error._tag === "Unauthenticated" ? Effect.logDebug("authentication refused", error.reason) : Effect.void
          ),
          httpErrors,
          Effect.provide(context)
        )
    }
  })
)
