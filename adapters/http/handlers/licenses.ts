import { Effect, Option } from "effect"
import {
  activateLicense,
  type ActivationView,
  deactivateLicense,
  licensesWithActivations,
  validateLicense
} from "../../../application/marketplace/licenses.js"
import type { Actor } from "../../../domain/identity/actor.js"
import { ActivationId } from "../../../domain/marketplace/license.js"
import { httpErrors } from "../error-mapping.js"
import { ActivationResponse, LicensesResponse, ValidationResponse } from "../marketplace-schemas.js"

/** The license endpoints of the marketplace group: decode, call one use-case, encode. */

const toActivationResponse = ({ activation, license, used }: ActivationView) =>
  new ActivationResponse({
    instance_id: activation.id,
    instance_name: activation.instanceName,
    license_key: license.key,
    activations_used: used,
    activation_limit: license.activationLimit,
    created_at: activation.createdAt,
    deactivated_at: Option.getOrNull(activation.deactivatedAt)
  })

export const listLicenses = (actor: Actor) =>
  licensesWithActivations(actor).pipe(
    Effect.map((held) =>
      new LicensesResponse({
        items: held.map(({ activations, license: l }) => ({
          id: l.id,
          order_id: l.orderId,
          product_id: l.productId,
          license_key: l.key,
          activation_limit: l.activationLimit,
          status: l.status,
          created_at: l.createdAt,
          activations: activations.map((a) => ({ instance_id: a.id, instance_name: a.instanceName, created_at: a.createdAt })),
          activations_used: activations.length
        }))
      })),
    httpErrors
  )

export const activate = (actor: Actor, payload: { readonly license_key: string; readonly instance_name: string }) =>
  activateLicense(actor, payload.license_key, payload.instance_name).pipe(Effect.map(toActivationResponse), httpErrors)

export const deactivate = (actor: Actor, payload: { readonly license_key: string; readonly instance_id: string }) =>
  deactivateLicense(actor, payload.license_key, ActivationId.make(payload.instance_id)).pipe(Effect.map(toActivationResponse), httpErrors)

export const validate = (actor: Actor, payload: { readonly license_key: string; readonly instance_id?: string | undefined }) =>
  validateLicense(actor, payload.license_key, Option.map(Option.fromNullishOr(payload.instance_id), ActivationId.make)).pipe(
    Effect.map(({ instance, license, used, valid }) =>
      new ValidationResponse({
        valid,
        status: license.status,
        activations_used: used,
        activation_limit: license.activationLimit,
        product_id: license.productId,
        instance: Option.getOrNull(Option.map(instance, (a) => ({
          instance_id: a.id,
          instance_name: a.instanceName,
          active: Option.isNone(a.deactivatedAt),
          created_at: a.createdAt,
          deactivated_at: Option.getOrNull(a.deactivatedAt)
        })))
      })),
    httpErrors
  )
