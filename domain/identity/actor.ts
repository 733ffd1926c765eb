import { Option, Schema } from "effect"
import { SessionId } from "./session.js"
import { Role, type User, UserId } from "./user.js"

export const Scope = Schema.Literals(["memories:read",
  "memories:write",
  "projects:read",
  "projects:write",
  "marketplace:read",
  "marketplace:write"])
export type Scope = typeof Scope.Type
export const ALL_SCOPES: ReadonlyArray<Scope> = Scope.literals

/** Who is calling: resolved once per request by the driving adapter, passed to every use-case. */
export interface Actor {
  readonly userId: UserId
  readonly role: Role
  /** The login session behind a JWT; none for an API key. */
  readonly sessionId: Option.Option<SessionId>
  /** The API key behind the request; none for a session. */
  readonly apiKeyId: Option.Option<string>
  readonly scopes: ReadonlySet<Scope>
  /**
   * The user's record as authentication read it, earlier in this same request (it joins the user to
   * the session or key): a use-case that answers with the caller's own record needs no second read.
   */
  readonly user?: User
}

export const isAdmin = (actor: Actor): boolean => actor.role === "admin"
