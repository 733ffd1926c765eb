import { Option, Schema } from "effect"
import type { Page, PageRequest } from "../../application/shared/pagination.js"

/** `?limit=1..100` (default 20) and an opaque `?cursor=`, as every list in the API takes them. */
export const PageQuery = Schema.Struct({
  limit: Schema.optionalWith(
    Schema.NumberFromString.pipe(
      Schema.int({ message: () => "limit must be an integer" }),
      Schema.between(1, 100, { message: () => "limit must be between 1 and 100" })
    ),
    { default: () => 20 }
  ),
  cursor: Schema.optional(Schema.String.pipe(Schema.maxLength(512)))
}).annotations({ parseOptions: { errors: "all" } })

export const toPageRequest = (query: typeof PageQuery.Type): PageRequest => ({
  limit: query.limit,
  cursor: Option.fromNullable(query.cursor)
})

export const PageOf = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Struct({ items: Schema.Array(item), next_cursor: Schema.NullOr(Schema.String) })

export const toPageResponse = <A, B>(page: Page<A>, f: (a: A) => B) => ({
  items: page.items.map(f),
  next_cursor: Option.getOrNull(page.nextCursor)
})
