import { DateTime, Effect, Option, Ref } from "effect"
import { LicenseRepository } from "../../application/ports/licenses.js"
import { Activation } from "../../domain/marketplace/license.js"
import type { License } from "../../domain/marketplace/order.js"

/**
 * For tests only: activations over a Ref, licenses read from the orders adapter's own Ref (the
 * in-memory OrderRepository builds this beside itself). Locks are not modelled, as with
 * UnitOfWorkMemory: the race is exercised by the PGlite and PostgreSQL suites.
 */
export const licenseRepositoryOver = (licenses: Ref.Ref<ReadonlyArray<License>>) =>
  Effect.map(Ref.make<ReadonlyArray<Activation>>([]), (activations) => LicenseRepository.of({
    findByKey: (key) => Effect.map(Ref.get(licenses), (all) => Option.fromNullishOr(all.find((l) => l.key === key))),
    activeActivations: (ids) =>
      Effect.map(Ref.get(activations), (all) =>
        all.filter((a) => ids.includes(a.licenseId) && Option.isNone(a.deactivatedAt))
          .sort((a, b) => DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))),
    findActivation: (licenseId, id) => Effect.map(Ref.get(activations), (all) => Option.fromNullishOr(all.find((a) => a.id === id && a.licenseId === licenseId))),
    insertActivation: (a) => Ref.update(activations, (all) => [...all, a]),
    deactivate: (id, at) =>
      Ref.update(activations, (all) =>
        all.map((a) => (a.id === id && Option.isNone(a.deactivatedAt) ? new Activation({ ...a, deactivatedAt: Option.some(at) }) : a)))
  }))
