import type { Statement } from "effect/sql"
import type { SqlClient } from "effect/sql/SqlClient"
import type { Audience } from "../../domain/memory/sharing.js"

/** A `uuid[]` literal for a parameter; the ids are UUIDs already validated by their schema. */
const uuidArray = (ids: ReadonlyArray<string>) => `{${ids.join(",")}}`

/**
 * "The row is one of the memories this audience may read", for the memories table and the chunk
 * tables alike (they name the memory's id column differently). With nothing shared it is the plain
 * owner test, which the owner indexes serve.
 */
export const readableBy = (
  sql: SqlClient,
  audience: Audience,
  memoryIdColumn: "id" | "memory_id"
): Statement.Fragment =>
  audience.memoryIds.length === 0 && audience.collectionIds.length === 0
    ? sql`owner_id = ${audience.userId}`
    : sql.or([
      sql`owner_id = ${audience.userId}`,
      ...(audience.memoryIds.length > 0 ? [sql`${sql(memoryIdColumn)} = ANY(${uuidArray(audience.memoryIds)}::uuid[])`] : []),
      ...(audience.collectionIds.length > 0 ? [sql`collection_id = ANY(${uuidArray(audience.collectionIds)}::uuid[])`] : [])
    ])
