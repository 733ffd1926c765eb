import { Context, type Effect } from "effect"

/** New identifiers (UUID v7: time-ordered, so inserts stay index-friendly). */
export class Ids extends Context.Service<Ids, {
  readonly next: Effect.Effect<string>
}>()("Ids") {}
