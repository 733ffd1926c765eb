import { SqlClient } from "effect/sql"
import { Array as Arr, DateTime, Duration, Effect, Layer, Option, Schema } from "effect"
import { RateLimiter, windowOf } from "../../application/ports/rate-limiter.js"
import { allRows, firstRow, Row, Timestamp } from "./rows.js"
import { orStorageFailure } from "./storage-errors.js"

const hits = firstRow(Row({ count: Schema.Int }))
const totals = allRows(Row({ key: Schema.String, windowStart: Timestamp, count: Schema.Int }))
const countOf = Option.match({ onNone: () => 0, onSome: (row: { readonly count: number }) => row.count })

export const RateLimiterSql = Layer.effect(
  RateLimiter,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const bounds = (window: Duration.Duration, now: DateTime.Utc) => {
      const millis = Duration.toMillis(window)
      const { retryAfterSeconds, start } = windowOf(DateTime.toEpochMillis(now), millis)
      return { start: new Date(start), end: new Date(start + millis), retryAfterSeconds }
    }
    return RateLimiter.of({
      // One upsert: concurrent hits from many processes all count.
      hit: (key, limit, window, now) => {
        const { end, retryAfterSeconds, start } = bounds(window, now)
        return hits(sql`
          INSERT INTO rate_limit_windows (key, window_start, window_end, count) VALUES (${key}, ${start}, ${end}, 1)
          ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_windows.count + 1
          RETURNING count`).pipe(
          Effect.map((row) => {
            const count = Option.match(row, { onNone: () => 1, onSome: (r) => r.count })
            return { allowed: count <= limit, count, retryAfterSeconds }
          }),
          orStorageFailure
        )
      },
      // One multi-row upsert for the whole batch (increments of one window summed first: a row may
      // appear once in an INSERT … ON CONFLICT DO UPDATE).
      add: (increments) => {
        const rows = new Map<string, { key: string; window_start: Date; window_end: Date; count: number }>()
        const ids = increments.map(({ at, count, key, window }) => {
          const { end, start } = bounds(window, at)
          const id = `${key}\u0000${start.getTime()}`
          const row = rows.get(id)
          if (row === undefined) rows.set(id, { key, window_start: start, window_end: end, count })
          else row.count += count
          return id
        })
        const values = [...rows.values()]
        if (!Arr.isArrayNonEmpty(values)) return Effect.succeed([])
        return totals(sql`
          INSERT INTO rate_limit_windows ${sql.insert(values)}
          ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_windows.count + EXCLUDED.count
          RETURNING key, window_start, count`).pipe(
          Effect.map((returned) => {
            const byId = new Map(returned.map((r) => [`${r.key}\u0000${DateTime.toEpochMillis(r.windowStart)}`, r.count]))
            return ids.map((id) => byId.get(id) ?? 0)
          }),
          orStorageFailure
        )
      },
      peek: (key, limit, window, now) => {
        const { retryAfterSeconds, start } = bounds(window, now)
        return hits(sql`SELECT count FROM rate_limit_windows WHERE key = ${key} AND window_start = ${start}`).pipe(
          Effect.map((row) => {
            const count = countOf(row)
            return { allowed: count < limit, count, retryAfterSeconds }
          }),
          orStorageFailure
        )
      },
      reset: (key) => sql`DELETE FROM rate_limit_windows WHERE key = ${key}`.pipe(Effect.asVoid, orStorageFailure),
      prune: (before) =>
        sql`DELETE FROM rate_limit_windows WHERE window_end < ${DateTime.toDateUtc(before)} RETURNING key`.pipe(
          Effect.map((rows) => rows.length),
          orStorageFailure
        )
    })
  })
)
