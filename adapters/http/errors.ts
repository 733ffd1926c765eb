import { Effect, Schema } from "effect"

/**
 * The API's error bodies: `{"detail": "...", "code": "..."}`, one class a status. `detail` is for
 * people; `code` is a stable machine-readable name: each domain error has its own (see
 * error-mapping), errors the adapter raises itself carry their class's default. Classes are told
 * apart by their identity, so each error is sent with its own status.
 */
const error = <Self>() => (name: string, defaultCode: string, status: number, description: string) =>
  Schema.Class<Self>(name)(
    { detail: Schema.String, code: Schema.String.pipe(Schema.withConstructorDefault(Effect.succeed(defaultCode))) },
    { httpApiStatus: status, description }
  )

export class BadRequest extends error<BadRequest>()("BadRequest", "bad_request", 400, "The request is malformed") {}
export class Unauthorized extends error<Unauthorized>()("Unauthorized", "unauthorized", 401, "Not authenticated") {}
export class Forbidden extends error<Forbidden>()("Forbidden", "forbidden", 403, "Authenticated but not allowed") {}
export class NotFound extends error<NotFound>()("NotFound", "not_found", 404, "Missing, or not visible to this caller") {}
export class Conflict extends error<Conflict>()("Conflict", "conflict", 409, "Conflicts with the current state") {}
export class PayloadTooLarge extends error<PayloadTooLarge>()(
  "PayloadTooLarge",
  "payload_too_large",
  413,
  "The request body is too large"
) {}
export class UnsupportedMediaType extends error<UnsupportedMediaType>()(
  "UnsupportedMediaType",
  "unsupported_media_type",
  415,
  "The body's Content-Type is not one this endpoint takes"
) {}
export class ServiceUnavailable extends error<ServiceUnavailable>()(
  "ServiceUnavailable",
  "service_unavailable",
  503,
  "A dependency is down; retry later"
) {}

export class TooManyRequests extends Schema.Class<TooManyRequests>("TooManyRequests")(
  { detail: Schema.String, code: Schema.String, retry_after_seconds: Schema.Int },
  { httpApiStatus: 429, description: "Rate limited: retry after the Retry-After header's seconds" }
) {}

export class FieldError extends Schema.Class<FieldError>("FieldError")({
  path: Schema.String,
  message: Schema.String
}) {}

export class ValidationFailed extends Schema.Class<ValidationFailed>("ValidationFailed")(
  {
    detail: Schema.String,
    code: Schema.String.pipe(Schema.withConstructorDefault(Effect.succeed("validation_failed"))),
    errors: Schema.Array(FieldError)
  },
  { httpApiStatus: 422, description: "Invalid fields" }
) {}

/** What any endpoint may answer: invalid input, a dependency down, a rate limit. */
export const ApiErrors = [ValidationFailed, ServiceUnavailable, TooManyRequests] as const
