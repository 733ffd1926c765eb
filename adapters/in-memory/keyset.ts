import { DateTime, Option } from "effect"
import type { Position } from "../../application/shared/pagination.js"

/**
 * The in-memory twin of `ORDER BY created_at DESC, id DESC` with a keyset `(created_at, id) < after`:
 * limit + 1 rows, as the SQL adapters answer.
 */
export const newestFirstAfter = <A extends { readonly id: string; readonly createdAt: DateTime.Utc }>(
  items: Iterable<A>,
  after: Option.Option<Position>,
  limit: number
): ReadonlyArray<A> =>
  [...items]
    .sort((a, b) =>
      DateTime.toEpochMillis(b.createdAt) - DateTime.toEpochMillis(a.createdAt) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0)
    )
    .filter((item) =>
      Option.match(after, {
        onNone: () => true,
        onSome: (p) => {
          const at = DateTime.toEpochMillis(item.createdAt)
          return at < p.at || (at === p.at && item.id < p.id)
        }
      })
    )
    .slice(0, limit + 1)

/** The twin of `ORDER BY created_at, id` with `(created_at, id) > after`: limit + 1 rows. */
export const oldestFirstAfter = <A>(
  items: Iterable<A>,
  keyOf: (a: A) => { readonly at: number; readonly id: string },
  after: Option.Option<Position>,
  limit: number
): ReadonlyArray<A> =>
  [...items]
    .sort((a, b) => {
      const ka = keyOf(a)
      const kb = keyOf(b)
      return ka.at - kb.at || (ka.id < kb.id ? -1 : ka.id > kb.id ? 1 : 0)
    })
    .filter((item) =>
      Option.match(after, {
        onNone: () => true,
        onSome: (p) => {
          const k = keyOf(item)
          return k.at > p.at || (k.at === p.at && k.id > p.id)
        }
      })
    )
    .slice(0, limit + 1)
