import { createHash } from "node:crypto"
import { QdrantClient } from "@qdrant/js-client-rest"
import { type Duration, Effect, Layer, Option, Redacted, Schedule, Schema } from "effect"
import { SqlClient, SqlSchema } from "effect/sql"
import { StorageUnavailable } from "../../application/ports/errors.js"
import { type VectorEntry, type VectorFilter, type VectorHit, VectorIndex } from "../../application/ports/vector-index.js"
import { MemoryId } from "../../domain/memory/memory.js"
import { orStorageFailure } from "../sql/storage-errors.js"

export interface QdrantOptions {
  readonly url: string
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  /** Collections are named `${prefix}_${model}_${dimensions}`: one per embedding model. */
  readonly collectionPrefix: string
  readonly model: string
  readonly dimensions: number
  /** How often the relay looks for index writes still to apply. */
  readonly relayInterval: Duration.Input
}

/** Qdrant point ids are UUIDs: one per (memory, chunk), stable, so a replayed write overwrites itself. */
const pointId = (memoryId: string, chunkIndex: number) => {
  const h = createHash("sha256").update(`${memoryId}:${chunkIndex}`).digest("hex")
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")

/** The search filters as a Qdrant filter, so they apply inside the HNSW search itself. */
export const qdrantFilter = (filter: VectorFilter) => {
  const { audience } = filter
  const readable = [
    { key: "owner_id", match: { value: audience.userId as string } },
    ...(audience.memoryIds.length > 0 ? [{ key: "memory_id", match: { any: [...audience.memoryIds] as Array<string> } }] : []),
    ...(audience.collectionIds.length > 0 ? [{ key: "collection_id", match: { any: [...audience.collectionIds] as Array<string> } }] : [])
  ]
  return {
    must: [
      { should: readable },
      ...Option.toArray(Option.map(filter.collectionId, (c) => ({ key: "collection_id", match: { value: c as string } }))),
      ...filter.tags.map((tag) => ({ key: "tags", match: { value: tag } })),
      ...Option.toArray(Option.map(filter.memoryType, (t) => ({ key: "memory_type", match: { value: t } })))
    ]
  }
}

/** A VectorEntry as stored in the outbox's JSON. */
const StoredEntry = Schema.Struct({
  memoryId: Schema.String,
  chunkIndex: Schema.Int,
  ownerId: Schema.String,
  collectionId: Schema.NullOr(Schema.String),
  tags: Schema.Array(Schema.String),
  memoryType: Schema.String,
  text: Schema.String,
  vector: Schema.Array(Schema.Number)
})

/** An outbox row; `id` is a bigserial read as text, `entries` a jsonb column (the driver parses it). */
const OutboxRow = Schema.Struct({
  id: Schema.String,
  memory_id: Schema.String,
  op: Schema.Literals(["upsert", "remove"]),
  entries: Schema.Array(StoredEntry)
})
type OutboxRow = typeof OutboxRow.Type

const BATCH = 200

/**
 * The vector index in Qdrant, kept in step with PostgreSQL through the `vector_outbox` table:
 * `upsert` and `remove` only write outbox rows, inside the caller's transaction, so they commit or
 * vanish with the memory itself. A relay applies them in order (one relay at a time across every
 * process, under an advisory lock), and every search drains the outbox first, so a memory is
 * searchable as soon as its write answers. A failed apply leaves the rows for the next attempt.
 * A previous model's collection is left in place (the reindex job refills this one); drop it by hand.
 */
export const VectorIndexQdrant = (options: QdrantOptions) =>
  Layer.effect(
    VectorIndex,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const client = new QdrantClient({
        url: options.url,
        ...Option.match(options.apiKey, { onNone: () => ({}), onSome: (key) => ({ apiKey: Redacted.value(key) }) }),
        checkCompatibility: false
      })
      const collection = `${options.collectionPrefix}_${slug(options.model)}_${options.dimensions}`
      const qdrant = <A>(what: string, f: () => Promise<A>) =>
        Effect.tryPromise({ try: f, catch: (cause) => new StorageUnavailable({ message: `qdrant ${what} failed: ${String(cause)}` }) })

      // One collection per model: another model's collection, while it holds points, is what the
      // reindex job has yet to redo (searches use only this model's collection meanwhile).
      const existing = (yield* qdrant("list collections", () => client.getCollections()).pipe(Effect.orDie)).collections.map((c) => c.name)
      const foreignVectors = Effect.gen(function*() {
        const names = (yield* qdrant("list collections", () => client.getCollections())).collections.map((c) => c.name)
        for (const name of names.filter((n) => n.startsWith(`${options.collectionPrefix}_`) && n !== collection)) {
          const { count } = yield* qdrant("count", () => client.count(name, { exact: true }))
          const dimensions = Number(name.split("_").at(-1))
          if (count > 0) return Option.some({ model: name, dimensions: Number.isFinite(dimensions) ? dimensions : 0 })
        }
        return Option.none<{ readonly model: string; readonly dimensions: number }>()
      })
      if (!existing.includes(collection)) {
        yield* qdrant("create collection", () => client.createCollection(collection, { vectors: { size: options.dimensions, distance: "Cosine" } })).pipe(
          Effect.orDie
        )
        for (const field of ["owner_id", "memory_id", "collection_id", "tags", "memory_type"]) {
          yield* qdrant("create payload index", () => client.createPayloadIndex(collection, { field_name: field, field_schema: "keyword", wait: true })).pipe(
            Effect.orDie
          )
        }
        yield* Effect.logInfo("qdrant collection created").pipe(Effect.annotateLogs({ collection }))
      }

      const oldestRows = SqlSchema.findAll({
        Request: Schema.Void,
        Result: OutboxRow,
        execute: () => sql`SELECT id::text AS id, memory_id, op, entries FROM vector_outbox ORDER BY id LIMIT ${BATCH}`
      })
      const anyPending = SqlSchema.findAll({
        Request: Schema.Void,
        Result: Schema.Struct({ any: Schema.Boolean }),
        execute: () => sql`SELECT EXISTS (SELECT 1 FROM vector_outbox) AS any`
      })

      /** Applies the oldest outbox rows; answers how many it applied. Only the latest row per memory matters. */
      const applyBatch = sql.withTransaction(
        Effect.gen(function*() {
          yield* sql`SELECT pg_advisory_xact_lock(hashtext('brainops.vector_outbox'))`
          const rows = yield* oldestRows(undefined)
          if (rows.length === 0) return 0
          const latest = new Map<string, OutboxRow>()
          for (const row of rows) latest.set(row.memory_id, row)
          const entries = [...latest.values()]
            .filter((row) => row.op === "upsert")
            .flatMap((row) => row.entries)
          const points = entries.map((e) => ({
            id: pointId(e.memoryId, e.chunkIndex),
            vector: [...e.vector],
            payload: {
              memory_id: e.memoryId,
              chunk_index: e.chunkIndex,
              owner_id: e.ownerId,
              collection_id: e.collectionId,
              tags: [...e.tags],
              memory_type: e.memoryType,
              text: e.text
            }
          }))
          yield* qdrant("write", () =>
            client.batchUpdate(collection, {
              wait: true,
              operations: [
                { delete: { filter: { must: [{ key: "memory_id", match: { any: [...latest.keys()] } }] } } },
                ...(points.length > 0 ? [{ upsert: { points } }] : [])
              ]
            }))
          yield* sql`DELETE FROM vector_outbox WHERE id IN ${sql.in(rows.map((r) => r.id))}`
          return rows.length
        })
      )
      const drain: Effect.Effect<void, StorageUnavailable> = Effect.flatMap(
        // Any failed query (not only a lost connection) leaves the rows for the next attempt; an
        // outbox row that does not decode is a bug: a defect, not something to retry.
        applyBatch.pipe(
          Effect.catchTag("SqlError", (e) => Effect.fail(new StorageUnavailable({ message: e.message }))),
          Effect.catchTag("SchemaError", Effect.die)
        ),
        (n) => (n === BATCH ? drain : Effect.void)
      )
      const pending = anyPending(undefined).pipe(
        Effect.map((rows) => rows[0]?.any === true),
        orStorageFailure
      )

      yield* drain.pipe(
        Effect.catch((e) => Effect.logWarning("vector outbox relay: will retry", e.message)),
        Effect.repeat(Schedule.spaced(options.relayInterval)),
        Effect.forkScoped
      )

      const enqueue = (memoryId: string, op: "upsert" | "remove", entries: ReadonlyArray<VectorEntry>) =>
        sql`INSERT INTO vector_outbox ${
          sql.insert({
            memory_id: memoryId,
            op,
            entries: JSON.stringify(entries.map((e) => ({ ...e, collectionId: Option.getOrNull(e.collectionId) })))
          })
        }`
      return VectorIndex.of({
        foreignVectors,
        vectorOf: (memoryId) =>
          Effect.gen(function*() {
            if (yield* pending) yield* drain
            const [point] = yield* qdrant("retrieve", () => client.retrieve(collection, { ids: [pointId(memoryId, 0)], with_vector: true, with_payload: false }))
            const vector = point?.vector
            return Array.isArray(vector) && typeof vector[0] === "number" ? Option.some(vector as Array<number>) : Option.none()
          }),
        upsert: (entries) => {
          const byMemory = new Map<string, Array<VectorEntry>>()
          for (const e of entries) byMemory.set(e.memoryId, [...(byMemory.get(e.memoryId) ?? []), e])
          return Effect.forEach([...byMemory], ([memoryId, chunks]) => enqueue(memoryId, "upsert", chunks), { discard: true }).pipe(orStorageFailure)
        },
        remove: (memoryId) => enqueue(memoryId, "remove", []).pipe(Effect.asVoid, orStorageFailure),
        search: (query, filter, k) =>
          Effect.gen(function*() {
            if (yield* pending) yield* drain
            const result = yield* qdrant("search", () =>
              client.searchPointGroups(collection, {
                vector: [...query],
                filter: qdrantFilter(filter),
                group_by: "memory_id",
                group_size: 1,
                limit: k,
                with_payload: ["text", "chunk_index"]
              }))
            return result.groups.flatMap((group): Array<VectorHit> => {
              const hit = group.hits[0]
              if (hit === undefined) return []
              const payload = (hit.payload ?? {}) as { text?: string; chunk_index?: number }
              return [{ memoryId: MemoryId.make(String(group.id)), chunkIndex: payload.chunk_index ?? 0, text: payload.text ?? "", score: hit.score }]
            })
          })
      })
    })
  )
