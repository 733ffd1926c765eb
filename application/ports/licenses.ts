import { Context, type DateTime, type Effect, type Option } from "effect"
import type { Activation, ActivationId } from "../../domain/marketplace/license.js"
import type { License, LicenseId } from "../../domain/marketplace/order.js"
import type { StorageUnavailable } from "./errors.js"

/** License keys and their activations (licenses themselves are issued and revoked by OrderRepository). */
export class LicenseRepository extends Context.Service<LicenseRepository, {
  /**
   * The license with this key. With `forUpdate`, inside a transaction, the license stays locked until
   * the transaction ends, so activations of one license are counted one at a time.
   */
  readonly findByKey: (key: string, options?: { readonly forUpdate: boolean }) => Effect.Effect<Option.Option<License>, StorageUnavailable>
  /** The activations still counting against these licenses, oldest first. */
  readonly activeActivations: (licenseIds: ReadonlyArray<LicenseId>) => Effect.Effect<ReadonlyArray<Activation>, StorageUnavailable>
  /** An activation of this license (active or not). */
  readonly findActivation: (licenseId: LicenseId, id: ActivationId) => Effect.Effect<Option.Option<Activation>, StorageUnavailable>
  readonly insertActivation: (activation: Activation) => Effect.Effect<void, StorageUnavailable>
  readonly deactivate: (id: ActivationId, at: DateTime.Utc) => Effect.Effect<void, StorageUnavailable>
}>()("LicenseRepository") {}
