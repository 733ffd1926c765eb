import { DateTime } from "effect"
import type { LastUse } from "../../application/ports/session-repository.js"

/** One use per id, the latest: a row must appear once in an UPDATE … FROM (VALUES …). */
export const latestUses = <Id extends string>(uses: ReadonlyArray<LastUse<Id>>): ReadonlyArray<LastUse<Id>> => {
  const latest = new Map<Id, LastUse<Id>>()
  for (const use of uses) {
    const known = latest.get(use.id)
    if (known === undefined || DateTime.isGreaterThan(use.at, known.at)) latest.set(use.id, use)
  }
  return [...latest.values()]
}
