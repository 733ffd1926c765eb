import { Context, type DateTime, type Effect } from "effect"
import type { ApiKeyId } from "../../domain/identity/api-key.js"
import type { SessionId } from "../../domain/identity/session.js"

/**
 * Records when a session or an API key was last used. Authentication reads on every request and
 * must not write: the server's adapter keeps the uses in process and writes them in batches in the
 * background, so a recorded use reaches the store some seconds later (or at shutdown). It is a
 * hint for people (`last_used_at` in lists), never something access depends on; it cannot fail.
 */
export class LastUseRecorder extends Context.Service<LastUseRecorder, {
  readonly session: (id: SessionId, at: DateTime.Utc) => Effect.Effect<void>
  readonly apiKey: (id: ApiKeyId, at: DateTime.Utc) => Effect.Effect<void>
}>()("LastUseRecorder") {}
