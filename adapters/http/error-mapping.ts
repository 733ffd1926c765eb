import { HttpEffect, HttpServerResponse } from "effect/http"
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
import type { EmbedderBusy, EmbeddingFailed } from "../../application/ports/embedder.js"
import type { InvalidApiKeyRequest, TooManyApiKeys } from "../../domain/identity/api-key.js"
import type { InvalidShare, MemoryTooLarge } from "../../domain/memory/errors.js"
import type { JobAlreadyFinished, TooManyActiveJobs } from "../../domain/jobs/errors.js"
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
  | TooManyActiveJobs
  | InvalidShare
  | EmbeddingFailed
  | EmbedderBusy
  | AnswerFailed
  | ProjectArchived
  | StaleVersion
  | InvalidProjectChange
  | AlreadyMember
  | RateLimited
  | InvalidApiKeyRequest
  | TooManyApiKeys
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

type HttpError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | Conflict
  | PayloadTooLarge
  | ValidationFailed
  | TooManyRequests
  | ServiceUnavailable

const invalid = (code: string, detail: string, path: string, message = detail) =>
  new ValidationFailed({ code, detail, errors: [new FieldError({ path, message })] })

/**
 * The one place where domain errors meet HTTP: for each domain error its status (the class), its
 * `code` (the snake case of its tag: clients may rely on it) and its message. A domain error that
 * is missing here does not compile.
 */
const httpErrorOf = {
  InvalidOrderTransition: (e) =>
    new Conflict({ code: "invalid_order_transition", detail: `Cannot ${e.action} this order (it is ${e.status}): ${e.reason}` }),
  PurchaseRefused: (e) => new Conflict({ code: "purchase_refused", detail: `Cannot buy this: ${e.reason}` }),
  ActivationRefused: (e) => new Conflict({ code: "activation_refused", detail: `Cannot activate this license: ${e.reason}` }),
  AlreadyReviewed: () =>
    new Conflict({ code: "already_reviewed", detail: "You have already reviewed this product; edit or delete that review instead" }),
  InvalidProductTransition: (e) =>
    new Conflict({ code: "invalid_product_transition", detail: `Cannot ${e.action} this product: ${e.reason}` }),
  JobAlreadyFinished: (e) =>
    new Conflict({ code: "job_already_finished", detail: `The job has already finished (${e.status}); there is nothing to cancel` }),
  ProjectArchived: () => new Conflict({ code: "project_archived", detail: "The project is archived: restore it before changing it" }),
  StaleVersion: (e) =>
    new Conflict({
      code: "stale_version",
      detail: `The task changed since you read it (it is now at version ${e.current}); read it again`
    }),
  AlreadyMember: () => new Conflict({ code: "already_member", detail: "That user is already a member" }),
  TwoFactorAlreadyEnabled: () => new Conflict({ code: "two_factor_already_enabled", detail: "Two-factor authentication is already on" }),
  TwoFactorNotEnabled: () => new Conflict({ code: "two_factor_not_enabled", detail: "Two-factor authentication is not on" }),
  TwoFactorNotPending: () =>
    new Conflict({ code: "two_factor_not_pending", detail: "No two-factor setup is waiting: start with /auth/two-factor/enable" }),
  EmailAlreadyVerified: () => new Conflict({ code: "email_already_verified", detail: "The email address is already verified" }),
  TooManyApiKeys: (e) =>
    new Conflict({ code: "too_many_api_keys", detail: `You already hold ${e.limit} active API keys: revoke one before creating another` }),
  EmailAlreadyRegistered: () => new Conflict({ code: "email_already_registered", detail: "An account with this email already exists" }),

  InvalidShare: (e) => invalid("invalid_share", e.reason, "email"),
  InvalidProjectChange: (e) => invalid("invalid_project_change", e.reason, e.field),
  InvalidApiKeyRequest: (e) => invalid("invalid_api_key_request", e.reason, e.field),
  InvalidTwoFactorCode: () =>
    invalid("invalid_two_factor_code", "The code is not valid", "code", "The code is not valid (or was already used)"),
  WeakPassword: (e) => invalid("weak_password", e.reason, "password"),

  InvalidWebhook: (e) => new BadRequest({ code: "invalid_webhook", detail: `Webhook rejected: ${e.reason}` }),
  InvalidOneTimeToken: () =>
    new BadRequest({ code: "invalid_one_time_token", detail: "The link is invalid, was already used, or has expired" }),
  InvalidCursor: () => new BadRequest({ code: "invalid_cursor", detail: "The cursor is invalid; start again without one" }),

  InvalidCredentials: () => new Unauthorized({ code: "invalid_credentials", detail: "Invalid email or password" }),
  Unauthenticated: (e) => new Unauthorized({ code: "unauthenticated", detail: `Not authenticated: ${e.reason}` }),
  WrongPassword: () => new Forbidden({ code: "wrong_password", detail: "The password is incorrect" }),
  Forbidden: (e) => new Forbidden({ code: "forbidden", detail: e.reason }),
  NotFound: (e) => new NotFound({ code: "not_found", detail: `${e.resource} not found` }),
  MemoryTooLarge: (e) => new PayloadTooLarge({ code: "memory_too_large", detail: e.reason }),
  RateLimited: (e) => new TooManyRequests({ code: "rate_limited", detail: e.reason, retry_after_seconds: e.retryAfterSeconds }),
  TooManyActiveJobs: (e) =>
    new TooManyRequests({
      code: "too_many_active_jobs",
      detail: `You already have ${e.limit} jobs queued or running; start another when one has finished`,
      retry_after_seconds: e.retryAfterSeconds
    }),

  AnswerFailed: () => new ServiceUnavailable({ code: "answer_failed", detail: "The answer service is unavailable; retry later" }),
  EmbeddingFailed: () =>
    new ServiceUnavailable({ code: "embedding_failed", detail: "The embedding service is unavailable; retry later" }),
  EmbedderBusy: (e) =>
    new ServiceUnavailable({
      code: "embedder_busy",
      detail: `Too much text is waiting to be embedded; nothing was stored, retry in ${e.retryAfterSeconds} s`
    }),
  PaymentProviderFailed: (e) =>
    new ServiceUnavailable({
      code: "payment_provider_failed",
      detail: `The payment provider could not be reached or refused the request; retry later (${e.reason})`
    }),
  StorageUnavailable: () =>
    new ServiceUnavailable({ code: "storage_unavailable", detail: "The service is temporarily unavailable; retry later" })
} satisfies { readonly [Tag in DomainFailure["_tag"]]: (error: Extract<DomainFailure, { readonly _tag: Tag }>) => HttpError }

/** The HTTP error a domain error becomes, at the type level, so endpoints declare exactly these. */
export type HttpErrorOf<E extends DomainFailure> = E extends DomainFailure ? ReturnType<(typeof httpErrorOf)[E["_tag"]]> : never

export const toHttpError = <E extends DomainFailure>(error: E): HttpErrorOf<E> =>
  (httpErrorOf[error._tag] as (error: DomainFailure) => HttpError)(error) as HttpErrorOf<E>

export const httpErrors = <A, E extends DomainFailure, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, HttpErrorOf<E>, R> =>
  Effect.catch(effect, (error) =>
    Effect.withFiber((fiber) => {
      // A 429 (or a 503 of a full embedding queue) tells when to come back, in the header clients and
      // proxies read (outside a request: nothing).
      if (error._tag === "RateLimited" || error._tag === "TooManyActiveJobs" || error._tag === "EmbedderBusy") {
        HttpEffect.appendPreResponseHandlerUnsafe(fiber.context, (_, response) =>
          Effect.succeed(HttpServerResponse.setHeader(response, "retry-after", String(error.retryAfterSeconds))))
      }
      return Effect.fail(toHttpError(error))
    }))

/** A refused new password is reported under the field the endpoint calls it. */
export const passwordField = (field: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) =>
    error instanceof ValidationFailed
      ? new ValidationFailed({
        code: error.code,
        detail: error.detail,
        errors: error.errors.map((e) => e.path === "password" ? new FieldError({ path: field, message: e.message }) : e)
      })
      : error)
