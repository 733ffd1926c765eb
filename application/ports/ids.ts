import { Context, type Effect } from "effect"

/** New identifiers (UUID v7: time-ordered, so inserts stay index-friendly). */
export class Ids extends Context.Tag("Ids")<Ids, {
  readonly next: Effect.Effect<string>
}>() {}
