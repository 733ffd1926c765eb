import { HttpServerResponse } from "effect/http"
import { Option, Schema } from "effect"
import type { Page, PageRequest } from "../../application/shared/pagination.js"
import { withDefault } from "./request-fields.js"

/** `?limit=1..100` (default 20) and an opaque `?cursor=`, as every list in the API takes them. */
export const PageQuery = Schema.Struct({
  limit: withDefault(
    Schema.NumberFromString.pipe(
      Schema.check(Schema.isInt({ message: "limit must be an integer" })),
      Schema.check(Schema.isBetween({ minimum: 1, maximum: 100 }, { message: "limit must be between 1 and 100" }))
    ),
    20
  ),
  cursor: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(512))))
})

export const toPageRequest = (query: typeof PageQuery.Type): PageRequest => ({
  limit: query.limit,
  cursor: Option.fromNullishOr(query.cursor)
})

export const PageOf = <S extends Schema.Top>(item: S) => Schema.Struct({ items: Schema.Array(item), next_cursor: Schema.NullOr(Schema.String) })

export const toPageResponse = <A, B>(page: Page<A>, f: (a: A) => B) => ({
  items: page.items.map(f),
  next_cursor: Option.getOrNull(page.nextCursor)
})

/**
 * A success body that is already its endpoint's encoded form, sent as JSON as it is: HttpApiBuilder
 * passes a handler's HttpServerResponse through without running the success schema's encoder. The
 * schema names the endpoint's success (and documents it); the compiler checks the body against its
 * Encoded type. Only for bodies built from values the domain checked already, where the encoder's
 * walk would check nothing new: a test compares each such body with the encoder's output.
 */
export const encodedJson = <S extends Schema.Top>(_success: S, body: S["Encoded"]) => HttpServerResponse.jsonUnsafe(body)
