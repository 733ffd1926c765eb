import { Result, Option, Schema } from "effect"
import { type License, LicenseId } from "./order.js"

export const ActivationId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("ActivationId"))
export type ActivationId = typeof ActivationId.Type

/** One installation a license is activated on; its id is the `instance_id` the software keeps. */
export class Activation extends Schema.Class<Activation>("Activation")({
  id: ActivationId,
  licenseId: LicenseId,
  instanceName: Schema.String,
  createdAt: Schema.DateTimeUtc,
  /** Set when the buyer frees the slot; a deactivated activation no longer counts. */
  deactivatedAt: Schema.Option(Schema.DateTimeUtc)
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
): Result.Result<Option.Option<Activation>, ActivationRefused> => {
  if (license.status === "revoked") return Result.fail(new ActivationRefused({ reason: "the license was revoked (the order was refunded)" }))
  const existing = active.find((a) => a.instanceName === instanceName)
  if (existing !== undefined) return Result.succeed(Option.some(existing))
  if (active.length >= license.activationLimit) {
    return Result.fail(new ActivationRefused({ reason: `activation limit reached (${active.length} of ${license.activationLimit})` }))
  }
  return Result.succeed(Option.none())
}
