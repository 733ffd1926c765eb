import { SqlClient } from "@effect/sql"
import type { Statement } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { CollectionRepository, type MemoryFilter, MemoryRepository } from "../../application/ports/memory-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { Collection, CollectionId, Memory, MemoryId } from "../../domain/memory/memory.js"
import { readableBy } from "./audience.js"
import { containsPattern, textArray } from "./sql-values.js"
import { orStorageFailure } from "./storage-errors.js"

const MemoryRow = Schema.Struct({
  id: Schema.String,
  owner_id: Schema.String,
  collection_id: Schema.NullOr(Schema.String),
  title: Schema.NullOr(Schema.String),
  content: Schema.String,
  tags: Schema.Array(Schema.String),
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  memory_type: Schema.String,
  pinned: Schema.Boolean,
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf,
  import_key: Schema.NullOr(Schema.String)
})
const decodeMemories = Schema.decodeUnknown(Schema.Array(MemoryRow))

const toMemory = (row: typeof MemoryRow.Type) =>
  new Memory({
    id: MemoryId.make(row.id),
    ownerId: UserId.make(row.owner_id),
    collectionId: Option.map(Option.fromNullable(row.collection_id), (id) => CollectionId.make(id)),
    title: Option.fromNullable(row.title),
    content: row.content,
    tags: row.tags,
    metadata: row.metadata,
    memoryType: row.memory_type,
    pinned: row.pinned,
    createdAt: DateTime.unsafeFromDate(row.created_at),
    updatedAt: DateTime.unsafeFromDate(row.updated_at),
    importKey: Option.fromNullable(row.import_key)
  })

const CollectionRow = Schema.Struct({
  id: Schema.String,
  owner_id: Schema.String,
  name: Schema.String,
  description: Schema.String,
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf
})
const decodeCollections = Schema.decodeUnknown(Schema.Array(CollectionRow))
const toCollection = (row: typeof CollectionRow.Type) =>
  new Collection({
    id: CollectionId.make(row.id),
    ownerId: UserId.make(row.owner_id),
    name: row.name,
    description: row.description,
    createdAt: DateTime.unsafeFromDate(row.created_at),
    updatedAt: DateTime.unsafeFromDate(row.updated_at)
  })

/** Quotes, -exclusions or OR: the query means exactly what web-search syntax says. */
const usesOperators = (query: string) => /(^|\s)-\S|"|\bor\b/i.test(query)

const MEMORY_COLUMNS = "id, owner_id, collection_id, title, content, tags, metadata, memory_type, pinned, created_at, updated_at, import_key"

export const MemoryRepositorySql = Layer.effect(
  MemoryRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const filterConditions = (filter: MemoryFilter): Array<Statement.Fragment> => [
      readableBy(sql, filter.audience, "id"),
      ...Option.toArray(Option.map(filter.collectionId, (id) => sql`collection_id = ${id}`)),
      ...(filter.tags.length > 0 ? [sql`tags @> ${textArray(filter.tags)}::text[]`] : []),
      ...Option.toArray(Option.map(filter.memoryType, (t) => sql`memory_type = ${t}`)),
      ...Option.toArray(Option.map(filter.pinned, (p) => sql`pinned = ${p}`)),
      ...Option.toArray(Option.map(filter.q, (q) => sql`(coalesce(title, '') ILIKE ${containsPattern(q)} OR content ILIKE ${containsPattern(q)})`)),
      ...Option.toArray(Option.map(filter.createdFrom, (d) => sql`created_at >= ${DateTime.toDateUtc(d)}`)),
      ...Option.toArray(Option.map(filter.createdTo, (d) => sql`created_at < ${DateTime.toDateUtc(d)}`))
    ]
    const columns = (m: Memory) => ({
      collection_id: Option.getOrNull(m.collectionId),
      title: Option.getOrNull(m.title),
      content: m.content,
      tags: textArray(m.tags),
      metadata: JSON.stringify(m.metadata),
      memory_type: m.memoryType,
      pinned: m.pinned,
      updated_at: DateTime.toDateUtc(m.updatedAt)
    })
    const row = (m: Memory) => ({
      id: m.id,
      owner_id: m.ownerId,
      created_at: DateTime.toDateUtc(m.createdAt),
      import_key: Option.getOrNull(m.importKey),
      ...columns(m)
    })
    return {
      insert: (m) => sql`INSERT INTO memories ${sql.insert(row(m))}`.pipe(Effect.asVoid, orStorageFailure),
      insertImported: (ms) =>
        ms.length === 0
          ? Effect.succeed([])
          : sql<{ id: string }>`INSERT INTO memories ${sql.insert(ms.map(row))}
                ON CONFLICT (owner_id, import_key) WHERE import_key IS NOT NULL DO NOTHING RETURNING id`.pipe(
            Effect.map((rows) => rows.map((r) => MemoryId.make(r.id))),
            orStorageFailure
          ),
      existingImportKeys: (ownerId, keys) =>
        keys.length === 0
          ? Effect.succeed(new Set<string>())
          : sql<{ import_key: string }>`SELECT import_key FROM memories WHERE owner_id = ${ownerId} AND import_key IN ${sql.in([...keys])}`.pipe(
            Effect.map((rows) => new Set(rows.map((r) => r.import_key))),
            orStorageFailure
          ),
      findById: (id) =>
        sql`SELECT ${sql.literal(MEMORY_COLUMNS)} FROM memories WHERE id = ${id}`.pipe(
          Effect.flatMap(decodeMemories),
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toMemory)),
          orStorageFailure
        ),
      update: (m) => sql`UPDATE memories SET ${sql.update(columns(m))} WHERE id = ${m.id}`.pipe(Effect.asVoid, orStorageFailure),
      delete: (id) => sql`DELETE FROM memories WHERE id = ${id} RETURNING id`.pipe(Effect.map((rows) => rows.length === 1), orStorageFailure),
      keywordSearch: (filter, query, k) =>
        (usesOperators(query)
          ? sql`SELECT ${sql.literal(MEMORY_COLUMNS)}, ts_rank_cd(search, websearch_to_tsquery('english', ${query}), 32) AS score
                FROM memories WHERE ${sql.and([...filterConditions(filter), sql`search @@ websearch_to_tsquery('english', ${query})`])}
                ORDER BY score DESC, created_at DESC, id DESC LIMIT ${k}`
          // Plain words: at least half of the query's words must occur (a long question rarely has all
          // of them in one note, and one shared word of many is noise); more words matched rank first.
          : sql`WITH q AS (
                  SELECT lexemes, (SELECT string_agg(quote_literal(l), ' | ')::tsquery FROM unnest(lexemes) AS l) AS any_word
                  FROM (SELECT tsvector_to_array(to_tsvector('english', ${query})) AS lexemes) t
                )
                SELECT ${sql.literal(MEMORY_COLUMNS)}, m.matched::float8 / cardinality(q.lexemes) + 0.01 * ts_rank_cd(search, q.any_word, 32) AS score
                FROM memories, q, LATERAL (SELECT count(*) AS matched FROM unnest(q.lexemes) AS l WHERE search @@ quote_literal(l)::tsquery) m
                WHERE ${sql.and([...filterConditions(filter), sql`search @@ q.any_word`, sql`m.matched * 2 >= cardinality(q.lexemes)`])}
                ORDER BY score DESC, created_at DESC, id DESC LIMIT ${k}`).pipe(
          Effect.flatMap((rows) =>
            Effect.map(decodeMemories(rows), (decoded) => decoded.map((row, i) => ({ memory: toMemory(row), score: Number((rows[i] as { score: unknown }).score) })))
          ),
          orStorageFailure
        ),
      pageById: (ownerId, after, limit) =>
        sql`SELECT ${sql.literal(MEMORY_COLUMNS)} FROM memories WHERE ${
          sql.and([
            ...Option.toArray(Option.map(ownerId, (o) => sql`owner_id = ${o}`)),
            ...Option.toArray(Option.map(after, (a) => sql`id > ${a}`))
          ])
        } ORDER BY id LIMIT ${limit}`.pipe(Effect.flatMap(decodeMemories), Effect.map((rows) => rows.map(toMemory)), orStorageFailure),
      list: (filter, after, limit) => {
        const conditions: Array<Statement.Fragment> = [
          ...filterConditions(filter),
          ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)`))
        ]
        return sql`SELECT ${sql.literal(MEMORY_COLUMNS)} FROM memories WHERE ${sql.and(conditions)}
                   ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`.pipe(
          Effect.flatMap(decodeMemories),
          Effect.map((rows) => rows.map(toMemory)),
          orStorageFailure
        )
      }
    }
  })
)

export const CollectionRepositorySql = Layer.effect(
  CollectionRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return {
      insert: (c) =>
        sql`INSERT INTO memory_collections ${
          sql.insert({
            id: c.id,
            owner_id: c.ownerId,
            name: c.name,
            description: c.description,
            created_at: DateTime.toDateUtc(c.createdAt),
            updated_at: DateTime.toDateUtc(c.updatedAt)
          })
        }`.pipe(Effect.asVoid, orStorageFailure),
      findById: (id) =>
        sql`SELECT * FROM memory_collections WHERE id = ${id}`.pipe(
          Effect.flatMap(decodeCollections),
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toCollection)),
          orStorageFailure
        ),
      update: (c) =>
        sql`UPDATE memory_collections SET name = ${c.name}, description = ${c.description}, updated_at = ${DateTime.toDateUtc(c.updatedAt)}
            WHERE id = ${c.id}`.pipe(Effect.asVoid, orStorageFailure),
      // Keeping the memories is the foreign key's ON DELETE SET NULL; deleting them is one statement more.
      delete: (id, deleteMemories) =>
        sql.withTransaction(
          Effect.zipRight(
            deleteMemories ? Effect.asVoid(sql`DELETE FROM memories WHERE collection_id = ${id}`) : Effect.void,
            sql`DELETE FROM memory_collections WHERE id = ${id}`
          )
        ).pipe(Effect.asVoid, orStorageFailure),
      list: (ownerId, after, limit) =>
        Option.match(after, {
          onNone: () => sql`SELECT * FROM memory_collections WHERE owner_id = ${ownerId} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM memory_collections WHERE owner_id = ${ownerId} AND (created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        }).pipe(Effect.flatMap(decodeCollections), Effect.map((rows) => rows.map(toCollection)), orStorageFailure)
    }
  })
)
