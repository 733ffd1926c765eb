import { Effect } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { requireUser } from "./users.js"

/**
 * The caller's own record: as authentication read it in this request, else read now. No Effect.fn
 * around it (a stack trace and a span per call): GET /auth/me is mostly this.
 */
export const currentUser = (actor: Actor) => actor.user !== undefined ? Effect.succeed(actor.user) : requireUser(actor.userId)
