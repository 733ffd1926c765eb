import { Context } from "effect"
import type { Actor, Scope } from "../../domain/identity/actor.js"

/**
 * What an authenticated endpoint asks of its caller, declared on the endpoint itself
 * (`.annotate(Access, Access.scope("memories:read"))`). The auth middleware enforces it for every
 * request, and refuses to start if an authenticated endpoint declares none.
 */
export type AccessRule =
  /** Any authenticated caller: a session or an API key with any scopes. */
  | { readonly _tag: "Authenticated" }
  /** A signed-in session only: API keys cannot manage credentials, keys, 2FA or sessions. */
  | { readonly _tag: "Session" }
  /** A session, or an API key carrying this scope. */
  | { readonly _tag: "Scope"; readonly scope: Scope }

export class Access extends Context.Service<Access, AccessRule>()("BrainOps/Access") {
  static readonly authenticated: AccessRule = { _tag: "Authenticated" }
  static readonly session: AccessRule = { _tag: "Session" }
  static readonly scope = (scope: Scope): AccessRule => ({ _tag: "Scope", scope })
}

/** Why the actor may not call an endpoint with this rule, if it may not. */
export const refusal = (rule: AccessRule, actor: Actor): string | undefined => {
  switch (rule._tag) {
    case "Authenticated":
      return undefined
    case "Session":
      return actor.sessionId._tag === "Some" ? undefined : "This needs a signed-in session; API keys cannot do it"
    case "Scope":
      return actor.scopes.has(rule.scope) ? undefined : `This API key lacks the scope ${rule.scope}`
  }
}
