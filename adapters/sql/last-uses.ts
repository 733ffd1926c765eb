import type { SqlClient } from "effect/sql"
import { DateTime, Effect } from "effect"
import type { LastUse } from "../../application/ports/session-repository.js"
import { orStorageFailure } from "./storage-errors.js"

/** One use per id, the latest: a row must appear once in an UPDATE … FROM (VALUES …). */
export const latestUses = <Id extends string>(uses: ReadonlyArray<LastUse<Id>>): ReadonlyArray<LastUse<Id>> => {
  const latest = new Map<Id, LastUse<Id>>()
  for (const use of uses) {
    const known = latest.get(use.id)
    if (known === undefined || DateTime.isGreaterThan(use.at, known.at)) latest.set(use.id, use)
  }
  return [...latest.values()]
}

/**
 * A batch of last uses of `table`'s rows in one statement, each moving `last_used_at` forward only
 * (a NULL one, never used yet, moves to any time).
 */
export const touchMany = (sql: SqlClient.SqlClient, table: "sessions" | "api_keys") =>
<Id extends string>(uses: ReadonlyArray<LastUse<Id>>) => {
  const latest = latestUses(uses)
  if (latest.length === 0) return Effect.void
  return sql`
    UPDATE ${sql(table)} AS t SET last_used_at = v.at
    FROM (VALUES ${sql.csv(latest.map((u) => sql`(${u.id}::uuid, ${DateTime.toDateUtc(u.at)}::timestamptz)`))}) AS v (id, at)
    WHERE t.id = v.id AND (t.last_used_at IS NULL OR t.last_used_at < v.at)`.pipe(Effect.asVoid, orStorageFailure)
}
