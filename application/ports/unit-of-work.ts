import { Context, type Effect } from "effect"
import type { StorageUnavailable } from "./errors.js"

/** Several writes that must stand or fall together. Keep the work inside short: no network calls. */
export class UnitOfWork extends Context.Service<UnitOfWork, {
  readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageUnavailable, R>
}>()("UnitOfWork") {}
