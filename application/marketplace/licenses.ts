import { DateTime, Effect, Result, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { Activation, ActivationId, decideActivation } from "../../domain/marketplace/license.js"
import type { License } from "../../domain/marketplace/order.js"
import { NotFound } from "../../domain/shared/errors.js"
import { Ids } from "../ports/ids.js"
import { LicenseRepository } from "../ports/licenses.js"
import { OrderRepository } from "../ports/orders.js"
import { UnitOfWork } from "../ports/unit-of-work.js"

/**
 * The key is what the software presents, but these routes sit behind sign-in: only the license's
 * buyer may use it, and anyone else's key answers NotFound, like a key that does not exist.
 */
const ownLicense = (actor: Actor, key: string, forUpdate: boolean) =>
  Effect.flatMap(LicenseRepository, (r) => r.findByKey(key, { forUpdate })).pipe(
    Effect.flatMap(Option.match({
      onNone: () => Effect.fail(new NotFound({ resource: "License" })),
      onSome: (l) => (l.buyerId === actor.userId ? Effect.succeed(l) : Effect.fail(new NotFound({ resource: "License" })))
    }))
  )

export interface ActivationView {
  readonly activation: Activation
  readonly license: License
  /** Active activations of the license after the call. */
  readonly used: number
}

/**
 * Activates the license on an instance. The license row is locked before its activations are
 * counted, so concurrent activations at the limit cannot all pass; the same instance name again
 * answers its existing activation without using another slot.
 */
export const activateLicense = Effect.fn("Marketplace.activateLicense")(function*(actor: Actor, key: string, instanceName: string) {
  const licenses = yield* LicenseRepository
  const ids = yield* Ids
  return yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      const license = yield* ownLicense(actor, key, true)
      const active = yield* licenses.activeActivations([license.id])
      const decision = decideActivation(license, active, instanceName)
      if (Result.isFailure(decision)) return yield* Effect.fail(decision.failure)
      if (Option.isSome(decision.success)) return { activation: decision.success.value, license, used: active.length } satisfies ActivationView
      const activation = new Activation({
        id: ActivationId.make(yield* ids.next),
        licenseId: license.id,
        instanceName,
        createdAt: yield* DateTime.now,
        deactivatedAt: Option.none()
      })
      yield* licenses.insertActivation(activation)
      return { activation, license, used: active.length + 1 } satisfies ActivationView
    })
  )
})

/** Frees an activation's slot; deactivating it again changes nothing. */
export const deactivateLicense = Effect.fn("Marketplace.deactivateLicense")(function*(actor: Actor, key: string, instanceId: ActivationId) {
  const licenses = yield* LicenseRepository
  return yield* (yield* UnitOfWork).transaction(
    Effect.gen(function*() {
      const license = yield* ownLicense(actor, key, true)
      const found = yield* licenses.findActivation(license.id, instanceId)
      if (Option.isNone(found)) return yield* Effect.fail(new NotFound({ resource: "Activation" }))
      let activation = found.value
      if (Option.isNone(activation.deactivatedAt)) {
        const now = yield* DateTime.now
        yield* licenses.deactivate(activation.id, now)
        activation = new Activation({ ...activation, deactivatedAt: Option.some(now) })
      }
      const used = (yield* licenses.activeActivations([license.id])).length
      return { activation, license, used } satisfies ActivationView
    })
  )
})

/**
 * Whether the license may be used: it is active and, when an instance is named, that activation of
 * this license is active too. An instance id of another license is reported as no instance.
 */
export const validateLicense = Effect.fn("Marketplace.validateLicense")(function*(actor: Actor, key: string, instanceId: Option.Option<ActivationId>) {
  const licenses = yield* LicenseRepository
  const license = yield* ownLicense(actor, key, false)
  const used = (yield* licenses.activeActivations([license.id])).length
  const instance = Option.isSome(instanceId) ? yield* licenses.findActivation(license.id, instanceId.value) : Option.none<Activation>()
  const valid = license.status === "active" &&
    (Option.isNone(instanceId) || Option.exists(instance, (a) => Option.isNone(a.deactivatedAt)))
  return { valid, license, used, instance }
})

/** The buyer's licenses, each with its active activations. */
export const licensesWithActivations = Effect.fn("Marketplace.licensesWithActivations")(function*(actor: Actor) {
  const licenses = yield* (yield* OrderRepository).licensesOf(actor.userId)
  const active = yield* (yield* LicenseRepository).activeActivations(licenses.map((l) => l.id))
  return licenses.map((license) => ({ license, activations: active.filter((a) => a.licenseId === license.id) }))
})
