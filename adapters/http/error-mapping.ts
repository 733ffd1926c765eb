import { HttpApp, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import type { StorageUnavailable } from "../../application/ports/errors.js"
import type {
  EmailAlreadyRegistered,
  InvalidCredentials,
  Unauthenticated,
  WeakPassword,
  WrongPassword
} from "../../domain/identity/errors.js"
import type { Forbidden as DomainForbidden, NotFound as DomainNotFound, RateLimited } from "../../domain/shared/errors.js"
import type { InvalidCursor } from "../../application/shared/pagination.js"
import type { AnswerFailed } from "../../application/ports/answer-generator.js"
import type { EmbeddingFailed } from "../../application/ports/embedder.js"
import type { InvalidApiKeyRequest } from "../../domain/identity/api-key.js"
import type { InvalidShare, MemoryTooLarge } from "../../domain/memory/errors.js"
import type { JobAlreadyFinished } from "../../domain/jobs/errors.js"
import type { InvalidProductTransition } from "../../domain/marketplace/product.js"
import type { InvalidOrderTransition, PurchaseRefused } from "../../domain/marketplace/order.js"
import type { InvalidWebhook, PaymentProviderFailed } from "../../application/ports/orders.js"
import type { ActivationRefused } from "../../domain/marketplace/license.js"
import type { AlreadyReviewed } from "../../domain/marketplace/review.js"
import type { AlreadyMember, InvalidProjectChange, ProjectArchived, StaleVersion } from "../../domain/projects/errors.js"
import type { EmailAlreadyVerified, InvalidOneTimeToken } from "../../domain/identity/tokens.js"
import type {
  InvalidTwoFactorCode,
  TwoFactorAlreadyEnabled,
  TwoFactorNotEnabled,
  TwoFactorNotPending
} from "../../domain/identity/two-factor.js"
import {
  BadRequest,
  Conflict,
  FieldError,
  Forbidden,
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable,
  TooManyRequests,
  Unauthorized,
  ValidationFailed
} from "./errors.js"

export type DomainFailure =
  | InvalidOrderTransition
  | PaymentProviderFailed
  | InvalidWebhook
  | MemoryTooLarge
  | PurchaseRefused
  | ActivationRefused
  | AlreadyReviewed
  | InvalidProductTransition
  | JobAlreadyFinished
  | InvalidShare
  | EmbeddingFailed
  | AnswerFailed
  | ProjectArchived
  | StaleVersion
  | InvalidProjectChange
  | AlreadyMember
  | RateLimited
  | InvalidApiKeyRequest
  | TwoFactorAlreadyEnabled
  | TwoFactorNotEnabled
  | TwoFactorNotPending
  | InvalidTwoFactorCode
  | InvalidOneTimeToken
  | EmailAlreadyVerified
  | InvalidCursor
  | EmailAlreadyRegistered
  | WrongPassword
  | InvalidCredentials
  | WeakPassword
  | Unauthenticated
  | DomainNotFound
  | DomainForbidden
  | StorageUnavailable

/** The HTTP error each domain error becomes, at the type level, so endpoints declare exactly these. */
export type HttpErrorOf<E> = E extends RateLimited ? TooManyRequests
  : E extends MemoryTooLarge ? PayloadTooLarge
  : E extends EmbeddingFailed | AnswerFailed | PaymentProviderFailed ? ServiceUnavailable
  : E extends InvalidWebhook ? BadRequest
  : E extends InvalidOrderTransition ? Conflict
  : E extends ProjectArchived | StaleVersion | AlreadyMember | JobAlreadyFinished | InvalidProductTransition | PurchaseRefused | ActivationRefused | AlreadyReviewed ? Conflict
  : E extends InvalidProjectChange | InvalidShare ? ValidationFailed
  : E extends
  EmailAlreadyRegistered | EmailAlreadyVerified | TwoFactorAlreadyEnabled | TwoFactorNotEnabled | TwoFactorNotPending ? Conflict
  : E extends InvalidTwoFactorCode | InvalidApiKeyRequest ? ValidationFailed
  : E extends InvalidOneTimeToken | InvalidCursor ? BadRequest
  : E extends InvalidCredentials | Unauthenticated ? Unauthorized
  : E extends WeakPassword ? ValidationFailed
  : E extends DomainNotFound ? NotFound
  : E extends DomainForbidden | WrongPassword ? Forbidden
  : E extends StorageUnavailable ? ServiceUnavailable
  : never

/** The one place where domain errors meet HTTP statuses. */
export const toHttpError = (error: DomainFailure) => {
  switch (error._tag) {
    case "MemoryTooLarge":
      return new PayloadTooLarge({ detail: error.reason })
    case "AnswerFailed":
      return new ServiceUnavailable({ detail: "The answer service is unavailable; retry later" })
    case "EmbeddingFailed":
      return new ServiceUnavailable({ detail: "The embedding service is unavailable; retry later" })
    case "PaymentProviderFailed":
      return new ServiceUnavailable({ detail: `The payment provider could not be reached or refused the request; retry later (${error.reason})` })
    case "InvalidWebhook":
      return new BadRequest({ detail: `Webhook rejected: ${error.reason}` })
    case "InvalidOrderTransition":
      return new Conflict({ detail: `Cannot ${error.action} this order (it is ${error.status}): ${error.reason}` })
    case "PurchaseRefused":
      return new Conflict({ detail: `Cannot buy this: ${error.reason}` })
    case "ActivationRefused":
      return new Conflict({ detail: `Cannot activate this license: ${error.reason}` })
    case "AlreadyReviewed":
      return new Conflict({ detail: "You have already reviewed this product; edit or delete that review instead" })
    case "InvalidProductTransition":
      return new Conflict({ detail: `Cannot ${error.action} this product: ${error.reason}` })
    case "JobAlreadyFinished":
      return new Conflict({ detail: `The job has already finished (${error.status}); there is nothing to cancel` })
    case "ProjectArchived":
      return new Conflict({ detail: "The project is archived: restore it before changing it" })
    case "StaleVersion":
      return new Conflict({ detail: `The task changed since you read it (it is now at version ${error.current}); read it again` })
    case "AlreadyMember":
      return new Conflict({ detail: "That user is already a member" })
    case "InvalidShare":
      return new ValidationFailed({ detail: error.reason, errors: [new FieldError({ path: "email", message: error.reason })] })
    case "InvalidProjectChange":
      return new ValidationFailed({ detail: error.reason, errors: [new FieldError({ path: error.field, message: error.reason })] })
    case "RateLimited":
      return new TooManyRequests({ detail: error.reason, retry_after_seconds: error.retryAfterSeconds })
    case "InvalidApiKeyRequest":
      return new ValidationFailed({ detail: error.reason, errors: [new FieldError({ path: error.field, message: error.reason })] })
    case "TwoFactorAlreadyEnabled":
      return new Conflict({ detail: "Two-factor authentication is already on" })
    case "TwoFactorNotEnabled":
      return new Conflict({ detail: "Two-factor authentication is not on" })
    case "TwoFactorNotPending":
      return new Conflict({ detail: "No two-factor setup is waiting: start with /auth/two-factor/enable" })
    case "InvalidTwoFactorCode":
      return new ValidationFailed({
        detail: "The code is not valid",
        errors: [new FieldError({ path: "code", message: "The code is not valid (or was already used)" })]
      })
    case "InvalidOneTimeToken":
      return new BadRequest({ detail: "The link is invalid, was already used, or has expired" })
    case "EmailAlreadyVerified":
      return new Conflict({ detail: "The email address is already verified" })
    case "InvalidCursor":
      return new BadRequest({ detail: "The cursor is invalid; start again without one" })
    case "EmailAlreadyRegistered":
      return new Conflict({ detail: "An account with this email already exists" })
    case "WrongPassword":
      return new Forbidden({ detail: "The password is incorrect" })
    case "InvalidCredentials":
      return new Unauthorized({ detail: "Invalid email or password" })
    case "Unauthenticated":
      return new Unauthorized({ detail: `Not authenticated: ${error.reason}` })
    case "WeakPassword":
      return new ValidationFailed({
        detail: error.reason,
        errors: [new FieldError({ path: "password", message: error.reason })]
      })
    case "NotFound":
      return new NotFound({ detail: `${error.resource} not found` })
    case "Forbidden":
      return new Forbidden({ detail: error.reason })
    case "StorageUnavailable":
      return new ServiceUnavailable({ detail: "The service is temporarily unavailable; retry later" })
  }
}

export const httpErrors = <A, E extends DomainFailure, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, HttpErrorOf<E>, R> =>
  Effect.catchAll(effect, (error) =>
    Effect.zipRight(
      // A 429 tells when to come back, in the header clients and proxies read.
      error._tag === "RateLimited"
        ? HttpApp.appendPreResponseHandler((_, response) =>
          Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(error.retryAfterSeconds))))
        : Effect.void,
      Effect.fail(toHttpError(error) as HttpErrorOf<E>)
    ))

/** A refused new password is reported under the field the endpoint calls it. */
export const passwordField = (field: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) =>
    error instanceof ValidationFailed
      ? new ValidationFailed({ detail: error.detail, errors: error.errors.map((e) => e.path === "password" ? new FieldError({ path: field, message: e.message }) : e) })
      : error)
