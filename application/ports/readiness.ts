import { Context, type Effect } from "effect"
import type { StorageUnavailable } from "./errors.js"

export interface ReadinessReport {
  readonly database: boolean
  readonly migrations: { readonly applied: number; readonly expected: number }
}

/** Whether the process can serve: the store answers and its schema is up to date. */
export class Readiness extends Context.Service<Readiness, {
  readonly check: Effect.Effect<ReadinessReport, StorageUnavailable>
}>()("Readiness") {}
