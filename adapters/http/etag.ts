import { HttpApiSchema } from "effect/http-api"
import { Effect, Schema } from "effect"
import { FieldError, ValidationFailed } from "./errors.js"

/**
 * Optimistic concurrency over HTTP (API.md): an object whose PATCH takes a `version` is served with
 * `ETag: "<version>"`, a strong tag that changes with every write. A PATCH may send that tag back in
 * `If-Match`, or the `version` in its body, and a stale one answers 409 like a stale version (not
 * 412: the contract says 409 for a stale write, whichever way it was named).
 */
export const etagOf = (version: number): string => `"${version}"`

// `*`, or one tag. A weak tag (W/"3") names the same version: proxies that compress weaken the
// strong tags they pass on, and the client only hands back what it was given.
const IF_MATCH = /^(?:\*|(?:W\/)?"(\d{1,15})")$/

export const IfMatch = Schema.String.pipe(
  Schema.check(Schema.makeFilter((value) =>
    IF_MATCH.test(value.trim()) || `must be the ETag a GET returned, such as "3" (one tag, quotes included), or *`
  ))
)

/** The request headers of a conditional PATCH. */
export const ConditionalHeaders = {
  "if-match": Schema.optional(IfMatch.annotate({
    description: "The ETag you read (from GET or a previous PATCH): a stale one is refused with 409. * or none: no check"
  }))
}

/** A success that also carries the object's ETag. */
export const WithETag = <S extends Schema.Top>(schema: S) =>
  HttpApiSchema.WithHeaders(schema, {
    etag: Schema.String.annotate({ description: "The object's version as an entity tag, such as \"3\": send it back in If-Match" })
  })

export const withETag = <A extends { readonly version: number }>(body: A) =>
  HttpApiSchema.withHeaders({ body, headers: { etag: etagOf(body.version) } })

/**
 * The version a PATCH expects to find, from its If-Match header and its body's `version`: undefined
 * when it sent neither (or `If-Match: *`), so the write applies unchecked. Both sent must agree.
 */
export const expectedVersion = (ifMatch: string | undefined, bodyVersion: number | undefined) => {
  const tagged = ifMatch === undefined ? undefined : IF_MATCH.exec(ifMatch.trim())?.[1]
  const fromHeader = tagged === undefined ? undefined : Number(tagged)
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    const message = `disagrees with If-Match (${etagOf(fromHeader)}): send one of them, or the same version in both`
    return Effect.fail(
      new ValidationFailed({
        code: "version_mismatch",
        detail: `Invalid request: version ${bodyVersion} ${message}`,
        errors: [new FieldError({ path: "version", message })]
      })
    )
  }
  return Effect.succeed(fromHeader ?? bodyVersion)
}
