import { FileSystem, HttpApiBuilder, HttpApp, HttpMiddleware, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { HttpApiDecodeError } from "@effect/platform/HttpApiError"
import { MaxBodySize } from "@effect/platform/HttpIncomingMessage"
import { Cause, Effect, FiberRef, Layer, Option } from "effect"
import { RequestClient } from "../../application/identity/client.js"

export interface ServerMiddlewareOptions {
  readonly maxBodyBytes: number
  /** The larger limit of upload endpoints (file bodies streamed to the file store). */
  readonly maxUploadBytes: number
  /** Origins allowed by CORS; empty turns CORS off (same-origin only), `*` allows any. */
  readonly corsOrigins: ReadonlyArray<string>
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

/** The id of the request this fiber serves, for error bodies; logs carry it as an annotation. */
export const CurrentRequestId = FiberRef.unsafeMake("")

const errorBody = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}) =>
  HttpServerResponse.unsafeJson({ detail, code, ...extra }, { status })

/**
 * Outermost, around every request (API, docs, unknown paths alike): picks the request id (the
 * caller's X-Request-Id when it is sane, else a new one), puts it on the response and on every log
 * line of the request, and writes one JSON access-log line when the response goes out.
 */
export const requestContext = (app: HttpApp.Default): HttpApp.Default =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const incoming = request.headers["x-request-id"]
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
    const started = performance.now()
    yield* HttpApp.appendPreResponseHandler((_, response) =>
      Effect.logInfo("request").pipe(
        Effect.annotateLogs({
          method: request.method,
          path: request.url.split("?")[0],
          status: response.status,
          duration_ms: Math.round((performance.now() - started) * 100) / 100
        }),
        Effect.as(HttpServerResponse.setHeader(response, "x-request-id", requestId))
      )
    )
    return yield* app.pipe(Effect.locally(CurrentRequestId, requestId), Effect.annotateLogs("request_id", requestId))
  })

/**
 * What the HttpApi cannot answer from its schemas: unknown routes, bodies that are not JSON or too
 * large, and defects. Each still answers `{"detail": ...}`; a defect never shows its internals, only
 * the request id under which its cause is logged.
 */
const formatPath = (path: ReadonlyArray<PropertyKey>) => path.length === 0 ? "body" : path.map(String).join(".")

const toErrorResponse = (cause: Cause.Cause<unknown>, request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function*() {
    if (Cause.isInterruptedOnly(cause)) return yield* Effect.failCause(cause as Cause.Cause<never>)
    // Some of these arrive as failures, others as defects (a body that is not JSON dies inside HttpApi).
    const error: unknown = Cause.squash(cause)
    if (error instanceof HttpApiDecodeError) {
      // One entry per field, the most specific: an optional field's union adds a second, vaguer
      // message ("Expected undefined") for the same field or for its parent.
      const issues = error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }))
      const errors = issues
        .filter((e) => !issues.some((other) => other.path !== e.path && other.path.startsWith(`${e.path}.`)))
        .filter((e, i, all) => all.findIndex((other) => other.path === e.path) === i)
      const detail = `Invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`
      return errorBody(422, "validation_failed", detail, { errors })
    }
    const tagged = error as { readonly _tag?: unknown; readonly cause?: unknown; readonly reason?: unknown }
    if (tagged._tag === "RouteNotFound") {
      return errorBody(404, "not_found", `No route for ${request.method} ${request.url.split("?")[0]}`)
    }
    if (tagged._tag === "RequestError" && tagged.reason === "Decode") {
      if (tagged.cause instanceof Error && tagged.cause.message === "maxBytes exceeded") {
        return errorBody(413, "payload_too_large", "The request body is too large")
      }
      return errorBody(400, "bad_request", "The request body is not valid JSON")
    }
    // A declared API error (a schema class with `detail` and `code`) is the HttpApi's to encode.
    if (Option.isSome(Cause.failureOption(cause)) && typeof (error as { detail?: unknown }).detail === "string") {
      return yield* Effect.failCause(cause as Cause.Cause<never>)
    }
    yield* Effect.logError("unhandled error", cause)
    return errorBody(500, "internal_error", "Internal server error", { request_id: yield* FiberRef.get(CurrentRequestId) })
  })

/** Endpoints whose bodies are files, streamed on rather than parsed: they get the upload limit. */
const UPLOADS = [/^\/api\/v1\/memories\/import(\?|$)/, /^\/api\/v1\/marketplace\/products\/[^/]+\/files(\?|$)/]

const errorsAndLimits = (options: ServerMiddlewareOptions) => {
  return (app: HttpApp.Default): HttpApp.Default =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const limit = UPLOADS.some((path) => path.test(request.url)) ? options.maxUploadBytes : options.maxBodyBytes
      if (Number(request.headers["content-length"] ?? 0) > limit) {
        return errorBody(413, "payload_too_large", `The request body is larger than ${limit} bytes`)
      }
      return yield* app.pipe(
        Effect.provideService(MaxBodySize, Option.some(FileSystem.Size(limit))),
        Effect.provideService(RequestClient, {
          ip: request.remoteAddress,
          userAgent: Option.map(Option.fromNullable(request.headers["user-agent"]), (ua) => ua.slice(0, 512))
        }),
        Effect.catchAllCause((cause) => toErrorResponse(cause, request))
      )
    })
}

/** The API-level middleware: CORS (when configured), the body size limit and the catch-all error mapping. */
export const ApiMiddlewareLive = (options: ServerMiddlewareOptions) => {
  const guarded = errorsAndLimits(options)
  if (options.corsOrigins.length === 0) return HttpApiBuilder.middleware(guarded)
  const cors = HttpMiddleware.cors({
    allowedOrigins: options.corsOrigins.includes("*") ? ["*"] : options.corsOrigins,
    allowedHeaders: ["authorization", "content-type", "x-api-key", "x-request-id", "idempotency-key"],
    exposedHeaders: ["x-request-id", "retry-after"],
    maxAge: 600
  })
  return Layer.merge(HttpApiBuilder.middleware(guarded), HttpApiBuilder.middleware(cors))
}
