import { HttpApiError } from "effect/http-api"
import { HttpIncomingMessage, HttpMiddleware, HttpRouter, HttpServerError, HttpServerRequest, HttpServerResponse } from "effect/http"
import { ByteSize, Cause, Effect, Option } from "effect"
import { RequestClient } from "../../application/identity/client.js"
import { fieldIssues } from "../../application/shared/schema-issues.js"

export interface ServerMiddlewareOptions {
  readonly maxBodyBytes: number
  /** The larger limit of upload endpoints (file bodies streamed to the file store). */
  readonly maxUploadBytes: number
  /** Origins allowed by CORS; empty turns CORS off (same-origin only), `*` allows any. */
  readonly corsOrigins: ReadonlyArray<string>
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

const errorBody = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}) =>
  HttpServerResponse.jsonUnsafe({ detail, code, ...extra }, { status })

const pathOf = (request: HttpServerRequest.HttpServerRequest) => request.url.split("?")[0]

/** A request that failed its endpoint's schemas: 422, one entry per field, the most specific. */
const validationFailed = (error: HttpApiError.HttpApiSchemaError) => {
  const issues = fieldIssues(error.cause)
  const errors = issues
    .filter((e) => !issues.some((other) => other.path !== e.path && other.path.startsWith(`${e.path}.`)))
    .filter((e, i, all) => all.findIndex((other) => other.path === e.path) === i)
  const detail = `Invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`
  return errorBody(422, "validation_failed", detail, { errors })
}

/**
 * HttpApi reports a body that is not JSON as a payload issue of its own: a bare value issue at the
 * root. The payload schemas here are structs, whose failures are never that shape.
 */
const isUnparsableBody = (error: HttpApiError.HttpApiSchemaError) =>
  error.kind === "Payload" && error.cause.issue._tag === "InvalidValue"

const isBodyTooLarge = (error: unknown) =>
  HttpServerError.isHttpServerError(error) && error.reason._tag === "RequestParseError" && error.reason.reason === "BodyTooLarge"

/**
 * What the HttpApi cannot answer from its schemas: unknown routes, bodies that are not JSON or too
 * large, invalid fields (which arrive as defects), and defects. Each still answers `{"detail": ...}`;
 * a defect never shows its internals, only the request id under which its cause is logged.
 */
const toErrorResponse = (cause: Cause.Cause<unknown>, request: HttpServerRequest.HttpServerRequest, requestId: string) =>
  Effect.gen(function*() {
    if (Cause.hasInterruptsOnly(cause)) return yield* Effect.failCause(cause)
    const error = Cause.squash(cause)
    if (HttpServerError.isHttpServerError(error) && error.reason._tag === "RouteNotFound") {
      return errorBody(404, "not_found", `No route for ${request.method} ${pathOf(request)}`)
    }
    if (isBodyTooLarge(error)) return errorBody(413, "payload_too_large", "The request body is too large")
    if (HttpApiError.HttpApiSchemaError.is(error) && error.kind !== "Body" && error.kind !== "ResponseHeaders") {
      return isUnparsableBody(error) ? errorBody(400, "bad_request", "The request body is not valid JSON") : validationFailed(error)
    }
    yield* Effect.logError("unhandled error", cause)
    return errorBody(500, "internal_error", "Internal server error", { request_id: requestId })
  })

/** HttpApi refuses a body of another type than its endpoint takes with a plain-text 415. */
const isPlain415 = (response: HttpServerResponse.HttpServerResponse) =>
  response.status === 415 && !(response.body._tag === "Uint8Array" && response.body.contentType === "application/json")

/** Endpoints whose bodies are files, streamed on rather than parsed: they get the upload limit. */
const UPLOADS = [/^\/api\/v1\/memories\/import(\?|$)/, /^\/api\/v1\/marketplace\/products\/[^/]+\/files(\?|$)/]

const limitsAndErrors = (options: ServerMiddlewareOptions, requestId: string) =>
<E, R>(app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const limit = UPLOADS.some((path) => path.test(request.url)) ? options.maxUploadBytes : options.maxBodyBytes
    if (Number(request.headers["content-length"] ?? 0) > limit) {
      return errorBody(413, "payload_too_large", `The request body is larger than ${limit} bytes`)
    }
    const response = yield* app.pipe(
      // Read by the platform for buffered bodies, and by the uploads for streamed ones.
      Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(limit)),
      Effect.provideService(RequestClient, {
        ip: request.remoteAddress,
        userAgent: Option.map(Option.fromNullishOr(request.headers["user-agent"]), (ua) => ua.slice(0, 512))
      }),
      Effect.catchCause((cause) => toErrorResponse(cause, request, requestId))
    )
    return isPlain415(response)
      ? errorBody(415, "unsupported_media_type", "This endpoint takes an application/json body")
      : response
  })

/**
 * Around every request (API, docs, unknown paths alike): picks the request id (the caller's
 * X-Request-Id when it is sane, else a new one), puts it on the response and on every log line of
 * the request, and writes one JSON access-log line per response.
 */
const requestContext = <E, R>(
  inner: (requestId: string) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const incoming = request.headers["x-request-id"]
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
    const started = performance.now()
    return yield* Effect.gen(function*() {
      const response = yield* inner(requestId)
      yield* Effect.logInfo("request").pipe(
        Effect.annotateLogs({
          method: request.method,
          path: pathOf(request),
          status: response.status,
          duration_ms: Math.round((performance.now() - started) * 100) / 100
        })
      )
      return HttpServerResponse.setHeader(response, "x-request-id", requestId)
    }).pipe(Effect.annotateLogs("request_id", requestId))
  })

/**
 * The server's one global middleware: it wraps every route and the router's own "no route", and
 * sees each response before it is written (the `middleware` of `HttpRouter.serve` only sees it
 * after). Outermost the request context, then CORS (when configured: it answers preflights), then
 * the body limits and the error mapping.
 */
export const ServerMiddlewareLive = (options: ServerMiddlewareOptions) => {
  const cors = options.corsOrigins.length === 0
    ? <E, R>(app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) => app
    : HttpMiddleware.cors({
      allowedOrigins: options.corsOrigins.includes("*") ? ["*"] : options.corsOrigins,
      allowedHeaders: ["authorization", "content-type", "x-api-key", "x-request-id", "idempotency-key"],
      exposedHeaders: ["x-request-id", "retry-after"],
      maxAge: 600
    })
  return HttpRouter.middleware(
    (app) => requestContext((requestId) => cors(limitsAndErrors(options, requestId)(app))),
    { global: true }
  )
}
