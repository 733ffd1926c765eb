import { createHash } from "node:crypto"
import { HttpApiError } from "effect/http-api"
import { HttpIncomingMessage, HttpMiddleware, HttpRouter, HttpServerError, HttpServerRequest, HttpServerResponse } from "effect/http"
import { ByteSize, Cause, Effect, LogLevel, Option } from "effect"
import { RequestClient } from "../../application/identity/client.js"
import { type FieldIssue, fieldIssues } from "../../application/shared/schema-issues.js"
import { jsonProblem, urlProblem } from "../../application/shared/text-policy.js"

export interface ServerMiddlewareOptions {
  readonly maxBodyBytes: number
  /** The larger limit of upload endpoints (file bodies streamed to the file store). */
  readonly maxUploadBytes: number
  /** Origins allowed by CORS; empty turns CORS off (same-origin only), `*` allows any. */
  readonly corsOrigins: ReadonlyArray<string>
  /** Whether the server is reached over https (PUBLIC_BASE_URL): then responses carry HSTS. */
  readonly https: boolean
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

const errorBody = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}) =>
  HttpServerResponse.jsonUnsafe({ detail, code, ...extra }, { status })

const pathOf = (url: string) => {
  const query = url.indexOf("?")
  return query === -1 ? url : url.slice(0, query)
}

/** A request that failed its endpoint's schemas: 422, one entry per field, the most specific. */
const validationFailed = (error: HttpApiError.HttpApiSchemaError) => {
  const issues = fieldIssues(error.cause)
  const errors = issues
    .filter((e) => !issues.some((other) => other.path !== e.path && other.path.startsWith(`${e.path}.`)))
    .filter((e, i, all) => all.findIndex((other) => other.path === e.path) === i)
  const detail = `Invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`
  return errorBody(422, "validation_failed", detail, { errors })
}

/** A string the text policy refuses (application/shared/text-policy.ts), as the 422 of a schema error. */
const textRefused = (issue: FieldIssue) =>
  errorBody(422, "validation_failed", `Invalid request: ${issue.path}: ${issue.message}`, { errors: [issue] })

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

const hasBody = (request: HttpServerRequest.HttpServerRequest) =>
  Number(request.headers["content-length"] ?? 0) > 0 || request.headers["transfer-encoding"] !== undefined

/**
 * The body of a JSON request, checked by the text policy before any schema sees it: the first
 * refused string or too deep a nesting, if any. A body that is not JSON is left to the endpoint
 * (400). The platform caches the body it read, so the endpoint does not read it twice.
 */
const bodyProblem = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.map(request.text, (text): FieldIssue | undefined => {
    let document: unknown
    try {
      document = JSON.parse(text)
    } catch {
      return undefined
    }
    return jsonProblem(document)
  })

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
      return errorBody(404, "not_found", `No route for ${request.method} ${pathOf(request.url)}`)
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

// Both upload paths start with one of these: most requests are told apart without a regex.
const isUpload = (url: string) =>
  (url.startsWith("/api/v1/memories/") || url.startsWith("/api/v1/marketplace/products/")) &&
  UPLOADS.some((path) => path.test(url))

const unsupportedMediaType = () => errorBody(415, "unsupported_media_type", "This endpoint takes an application/json body")

const userAgentOf = (request: HttpServerRequest.HttpServerRequest) => {
  const ua = request.headers["user-agent"]
  return ua === undefined ? Option.none() : Option.some(ua.slice(0, 512))
}

/**
 * The limits, the text policy and the JSON-only rule before the endpoint runs, and the error mapping
 * after. Built of plain combinators, not generators: every request runs it.
 */
const limitsAndErrors = (options: ServerMiddlewareOptions, request: HttpServerRequest.HttpServerRequest, requestId: string) =>
<E, R>(app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) => {
  const upload = isUpload(request.url)
  const limit = upload ? options.maxUploadBytes : options.maxBodyBytes
  if (Number(request.headers["content-length"] ?? 0) > limit) {
    return Effect.succeed(errorBody(413, "payload_too_large", `The request body is larger than ${limit} bytes`))
  }
  const inUrl = urlProblem(request.url)
  if (inUrl !== undefined) return Effect.succeed(textRefused(inUrl))
  const json = !upload && hasBody(request)
  // Every endpoint but the uploads takes JSON: a form or text body is refused, never parsed as one.
  if (json && !JSON_TYPE.test(request.headers["content-type"] ?? "")) return Effect.succeed(unsupportedMediaType())
  // A request without a body (every GET) never reads one.
  const checked = json
    ? Effect.flatMap(bodyProblem(request), (inBody) => inBody !== undefined ? Effect.succeed(textRefused(inBody)) : app)
    : app
  // Read by the platform for buffered bodies, and by the uploads for streamed ones. A request without
  // a body has nothing to limit: it is spared the service (each one added deepens the request's
  // context, which the router then has to copy flat).
  const limited = upload || hasBody(request) ? Effect.provideService(checked, HttpIncomingMessage.MaxBodySize, ByteSize.bytes(limit)) : checked
  return limited.pipe(
    Effect.provideService(RequestClient, { ip: request.remoteAddress, userAgent: userAgentOf(request) }),
    Effect.catchCause((cause) => toErrorResponse(cause, request, requestId)),
    Effect.map((response) => isPlain415(response) ? unsupportedMediaType() : response)
  )
}

/** The sha256 CSP sources of a page's inline scripts: the docs page runs those and nothing else. */
const inlineScriptHashes = (html: string) =>
  Array.from(html.matchAll(/<script>([\s\S]*?)<\/script>/g), (match) => `'sha256-${createHash("sha256").update(match[1]!).digest("base64")}'`)

/** The API answers JSON and files: it needs no script, style or frame of any kind. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * The docs page (Scalar, carried inline; no CDN): its own scripts by hash, the inline styles it sets,
 * images and fonts as data, and requests to this origin only (its "try it" client).
 */
const docsCsp = (scripts: ReadonlyArray<string>) =>
  [
    "default-src 'none'",
    `script-src ${scripts.join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'"
  ].join("; ")

/** The docs page never changes while the process runs: its policy is computed once. */
let docsPolicy: string | undefined

const contentSecurityPolicy = (response: HttpServerResponse.HttpServerResponse) => {
  const body = response.body
  if (body._tag !== "Uint8Array" || !body.contentType.startsWith("text/html")) return API_CSP
  docsPolicy ??= docsCsp(inlineScriptHashes(body.text ?? new TextDecoder().decode(body.body)))
  return docsPolicy
}

/**
 * The headers every response carries: no content sniffing, no referrer, a CSP, HSTS over https, and
 * `Cache-Control: no-store` on every API response (tokens, secrets, keys, signed links and private
 * data all travel in them; a response that sets its own Cache-Control keeps it). They depend on
 * the configuration only, so each combination is built once, not per response.
 */
const securityHeaders = (options: ServerMiddlewareOptions) => {
  const base = (csp: string): Record<string, string> => ({
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-security-policy": csp,
    ...(options.https ? { "strict-transport-security": "max-age=31536000; includeSubDomains" } : {})
  })
  const api = base(API_CSP)
  const apiNoStore = { ...api, "cache-control": "no-store" }
  return (response: HttpServerResponse.HttpServerResponse, request: HttpServerRequest.HttpServerRequest, requestId: string) => {
    const noStore = request.url.startsWith("/api/") && response.headers["cache-control"] === undefined
    const csp = contentSecurityPolicy(response)
    const headers = csp === API_CSP ? (noStore ? apiNoStore : api) : { ...base(csp), ...(noStore ? { "cache-control": "no-store" } : {}) }
    return HttpServerResponse.setHeaders(response, { ...headers, "x-request-id": requestId })
  }
}

/**
 * Around every request (API, docs, unknown paths alike): picks the request id (the caller's
 * X-Request-Id when it is sane, else a new one), puts it on the response and on every log line of
 * the request, and writes one JSON access-log line per response.
 */
const requestContext = (
  options: ServerMiddlewareOptions,
  cors: <E, R>(app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>
) => {
  const withHeaders = securityHeaders(options)
  return <E, R>(app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      const incoming = request.headers["x-request-id"]
      const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
      const started = performance.now()
      return cors(limitsAndErrors(options, request, requestId)(app)).pipe(
        Effect.flatMap((response) => {
          const sent = withHeaders(response, request, requestId)
          // The access line's fields are only gathered when it is written (LOG_LEVEL info or lower).
          return Effect.flatMap(LogLevel.isEnabled("Info"), (enabled) =>
            enabled
              ? Effect.as(
                Effect.annotateLogs(Effect.logInfo("request"), {
                  method: request.method,
                  path: pathOf(request.url),
                  status: response.status,
                  duration_ms: Math.round((performance.now() - started) * 100) / 100
                }),
                sent
              )
              : Effect.succeed(sent))
        }),
        Effect.annotateLogs("request_id", requestId)
      )
    })
}

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
      allowedHeaders: ["authorization", "content-type", "x-api-key", "x-request-id", "idempotency-key", "if-match"],
      exposedHeaders: ["x-request-id", "retry-after", "etag"],
      maxAge: 600
    })
  return HttpRouter.middleware(
    requestContext(options, cors),
    { global: true }
  )
}
