import { Either, Option, Schema } from "effect"
import { type License, LicenseId } from "./order.js"

export const ActivationId = Schema.UUID.pipe(Schema.brand("ActivationId"))
export type ActivationId = typeof ActivationId.Type

/** One installation a license is activated on; its id is the `instance_id` the software keeps. */
export class Activation extends Schema.Class<Activation>("Activation")({
  id: ActivationId,
  licenseId: LicenseId,
  instanceName: Schema.String,
  createdAt: Schema.DateTimeUtcFromSelf,
  /** Set when the buyer frees the slot; a deactivated activation no longer counts. */
  deactivatedAt: Schema.OptionFromSelf(Schema.DateTimeUtcFromSelf)
}) {}

export const INSTANCE_NAME_CHARS = 200

/** An activation the license's state does not allow: 409, with the reason. */
export class ActivationRefused extends Schema.TaggedError<ActivationRefused>()("ActivationRefused", { reason: Schema.String }) {}

/**
 * Whether an instance may be activated, given the license's active activations: the same instance
 * name again answers its existing activation (a reinstall does not use a second slot); a revoked
 * license or a full one is refused.
 */
export const decideActivation = (
  license: License,
  active: ReadonlyArray<Activation>,
  instanceName: string
): Either.Either<Option.Option<Activation>, ActivationRefused> => {
  if (license.status === "revoked") return Either.left(new ActivationRefused({ reason: "the license was revoked (the order was refunded)" }))
  const existing = active.find((a) => a.instanceName === instanceName)
  if (existing !== undefined) return Either.right(Option.some(existing))
  if (active.length >= license.activationLimit) {
    return Either.left(new ActivationRefused({ reason: `activation limit reached (${active.length} of ${license.activationLimit})` }))
  }
  return Either.right(Option.none())
}
