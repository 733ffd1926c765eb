import { SqlClient, SqlSchema } from "effect/sql"
import type { Statement } from "effect/sql"
import { Array as Arr, DateTime, Effect, Layer, Option, Schema } from "effect"
import { CollectionRepository, type MemoryFilter, MemoryRepository } from "../../application/ports/memory-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { Collection, CollectionId, Memory, MemoryId, MemoryMetadata } from "../../domain/memory/memory.js"
import { readableBy } from "./audience.js"
import { allRows, firstRow, intoClass, Jsonb, Row, Timestamp } from "./rows.js"
import { containsPattern, textArray } from "./sql-values.js"
import { orStorageFailure } from "./storage-errors.js"

const MemoryRow = Row({
  id: MemoryId,
  ownerId: UserId,
  collectionId: Schema.OptionFromNullOr(CollectionId),
  title: Schema.OptionFromNullOr(Schema.String),
  content: Schema.String,
  tags: Schema.Array(Schema.String),
  metadata: Jsonb(MemoryMetadata),
  memoryType: Schema.String,
  pinned: Schema.Boolean,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  importKey: Schema.OptionFromNullOr(Schema.String)
}).pipe(intoClass(Memory))
const memory = firstRow(MemoryRow)
const memories = allRows(MemoryRow)
/** A keyword match: the memory's columns and its score (float8). */
const scored = allRows(Schema.Struct({ memory: MemoryRow, score: Schema.Number }))
const importKeys = allRows(Row({ importKey: Schema.String }))

/** What an update leaves alone: who owns the memory, when it was made, and where an import got it from. */
const KEPT_ON_UPDATE = ["id", "owner_id", "created_at", "import_key"] as const

const CollectionRow = Row({
  id: CollectionId,
  ownerId: UserId,
  name: Schema.String,
  description: Schema.String,
  createdAt: Timestamp,
  updatedAt: Timestamp
}).pipe(intoClass(Collection))
const collection = firstRow(CollectionRow)
const collections = allRows(CollectionRow)

/** Quotes, -exclusions or OR: the query means exactly what web-search syntax says. */
const usesOperators = (query: string) => /(^|\s)-\S|"|\bor\b/i.test(query)

/**
 * Keyword search ranks at most this many matches (or twice k): those holding every word first, then
 * the newest. A common word matches a large part of a big collection, and scoring (and reading)
 * every match made one search cost as much as the collection is large; the GIN index finds the
 * matches, a cheap test orders them, and only these few are scored.
 */
const KEYWORD_CANDIDATES = 300
/**
 * Plain words: at least half of the query's words must occur (a long question rarely has all of
 * them in one note, and one shared word of many is noise); more words matched rank first. That rule
 * is written as a tsquery the GIN index answers ("a & b | a & c | b & c" for three words), so the
 * candidates are only memories that pass it; past MAX_EXACT_WORDS words (too many combinations)
 * any word finds candidates and the count filters them.
 */
const MAX_EXACT_WORDS = 8
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
    const plainWords = (query: string) =>
      sql`words AS MATERIALIZED (
            SELECT lexemes, cardinality(lexemes) AS n, (cardinality(lexemes) + 1) / 2 AS need
            FROM (SELECT tsvector_to_array(to_tsvector('english', ${query})) AS lexemes) t
          ),
          lx AS (SELECT l, i FROM words, unnest(words.lexemes) WITH ORDINALITY AS u(l, i)),
          combos AS (
            WITH RECURSIVE combo(last, size, q) AS (
              SELECT i, 1, quote_literal(l) FROM lx, words WHERE words.n <= ${MAX_EXACT_WORDS}
              UNION ALL
              SELECT lx.i, combo.size + 1, combo.q || ' & ' || quote_literal(lx.l)
              FROM combo JOIN lx ON lx.i > combo.last, words WHERE combo.size < words.need
            )
            SELECT string_agg('(' || q || ')', ' | ') AS text FROM combo, words WHERE combo.size = words.need
          ),
          q AS MATERIALIZED (
            SELECT words.lexemes, words.n <= ${MAX_EXACT_WORDS} AS exact,
                   (SELECT string_agg(quote_literal(l), ' | ')::tsquery FROM lx) AS any_word,
                   (SELECT string_agg(quote_literal(l), ' & ')::tsquery FROM lx) AS every_word,
                   coalesce((SELECT text FROM combos)::tsquery, (SELECT string_agg(quote_literal(l), ' | ')::tsquery FROM lx)) AS enough
            FROM words
          )`
    const insert = SqlSchema.void({ Request: MemoryRow, execute: (row) => sql`INSERT INTO memories ${sql.insert(row)}` })
    const insertImported = SqlSchema.findAll({
      Request: Schema.NonEmptyArray(MemoryRow),
      Result: Row({ id: MemoryId }),
      execute: (rows) =>
        sql`INSERT INTO memories ${sql.insert(rows)}
            ON CONFLICT (owner_id, import_key) WHERE import_key IS NOT NULL DO NOTHING RETURNING id`
    })
    const update = SqlSchema.void({
      Request: MemoryRow,
      execute: (row) => sql`UPDATE memories SET ${sql.update(row, KEPT_ON_UPDATE)} WHERE id = ${row.id}`
    })
    return MemoryRepository.of({
      insert: (m) => insert(m).pipe(orStorageFailure),
      insertImported: (ms) =>
        Arr.isReadonlyArrayNonEmpty(ms)
          ? insertImported(ms).pipe(Effect.map(Arr.map((r) => r.id)), orStorageFailure)
          : Effect.succeed([]),
      existingImportKeys: (ownerId, keys) =>
        keys.length === 0
          ? Effect.succeed(new Set<string>())
          : importKeys(sql`SELECT import_key FROM memories WHERE owner_id = ${ownerId} AND import_key IN ${sql.in([...keys])}`).pipe(
            Effect.map((rows) => new Set(rows.map((r) => r.importKey))),
            orStorageFailure
          ),
      findById: (id) => memory(sql`SELECT ${sql.literal(MEMORY_COLUMNS)} FROM memories WHERE id = ${id}`).pipe(orStorageFailure),
      findByIds: (ids) =>
        ids.length === 0
          ? Effect.succeed([])
          : memories(sql`SELECT ${sql.literal(MEMORY_COLUMNS)} FROM memories WHERE id IN ${sql.in([...new Set(ids)])}`).pipe(
            Effect.map((rows) => {
              const byId = new Map(rows.map((m) => [m.id as string, m]))
              return [...new Set(ids)].flatMap((id) => Option.toArray(Option.fromNullishOr(byId.get(id))))
            }),
            orStorageFailure
          ),
      update: (m) => update(m).pipe(orStorageFailure),
      delete: (id) => sql`DELETE FROM memories WHERE id = ${id} RETURNING id`.pipe(Effect.map((rows) => rows.length === 1), orStorageFailure),
      keywordSearch: (filter, query, k) =>
        scored(
          sql`WITH ${
            usesOperators(query)
              ? sql`q AS MATERIALIZED (SELECT websearch_to_tsquery('english', ${query}) AS enough, true AS exact)`
              : plainWords(query)
          },
          candidates AS MATERIALIZED (
            SELECT id, search, created_at FROM memories, q
            WHERE ${
            sql.and([
              ...filterConditions(filter),
              sql`search @@ q.enough`,
              ...(usesOperators(query)
                ? []
                : [sql`(q.exact OR (SELECT count(*) FROM unnest(q.lexemes) AS l WHERE search @@ quote_literal(l)::tsquery) * 2 >= cardinality(q.lexemes))`])
            ])
          }
            ORDER BY ${usesOperators(query) ? sql`` : sql`search @@ q.every_word DESC, `}created_at DESC, id DESC
            LIMIT ${Math.max(KEYWORD_CANDIDATES, 2 * k)}
          ),
          ranked AS (
            SELECT c.id, c.created_at, ${
            usesOperators(query)
              ? sql`ts_rank_cd(c.search, q.enough, 32)`
              : sql`m.matched::float8 / cardinality(q.lexemes) + 0.01 * ts_rank_cd(c.search, q.any_word, 32)`
          } AS score
            FROM candidates c, q${
            usesOperators(query)
              ? sql``
              : sql`, LATERAL (SELECT count(*) AS matched FROM unnest(q.lexemes) AS l WHERE c.search @@ quote_literal(l)::tsquery) m
            WHERE m.matched * 2 >= cardinality(q.lexemes)`
          }
            ORDER BY score DESC, c.created_at DESC, c.id DESC LIMIT ${k}
          )
          SELECT ${sql.literal(MEMORY_COLUMNS.split(", ").map((c) => `mem.${c}`).join(", "))}, r.score
          FROM ranked r JOIN memories mem ON mem.id = r.id
          ORDER BY r.score DESC, r.created_at DESC, r.id DESC`.pipe(
            Effect.map((rows) => rows.map((row) => ({ memory: row, score: row["score"] })))
          )
        ).pipe(orStorageFailure),
      pageById: (ownerId, after, limit) =>
        memories(sql`SELECT ${sql.literal(MEMORY_COLUMNS)} FROM memories WHERE ${
          sql.and([
            ...Option.toArray(Option.map(ownerId, (o) => sql`owner_id = ${o}`)),
            ...Option.toArray(Option.map(after, (a) => sql`id > ${a}`))
          ])
        } ORDER BY id LIMIT ${limit}`).pipe(orStorageFailure),
      list: (filter, after, limit) => {
        const conditions: Array<Statement.Fragment> = [
          ...filterConditions(filter),
          ...Option.toArray(Option.map(after, (p) => sql`(created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)`))
        ]
        return memories(sql`SELECT ${sql.literal(MEMORY_COLUMNS)} FROM memories WHERE ${sql.and(conditions)}
                   ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`).pipe(orStorageFailure)
      }
    })
  })
)

export const CollectionRepositorySql = Layer.effect(
  CollectionRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insert = SqlSchema.void({ Request: CollectionRow, execute: (row) => sql`INSERT INTO memory_collections ${sql.insert(row)}` })
    return CollectionRepository.of({
      insert: (c) => insert(c).pipe(orStorageFailure),
      findById: (id) => collection(sql`SELECT * FROM memory_collections WHERE id = ${id}`).pipe(orStorageFailure),
      update: (c) =>
        sql`UPDATE memory_collections SET name = ${c.name}, description = ${c.description}, updated_at = ${DateTime.toDateUtc(c.updatedAt)}
            WHERE id = ${c.id}`.pipe(Effect.asVoid, orStorageFailure),
      // Keeping the memories is the foreign key's ON DELETE SET NULL; deleting them is one statement more.
      delete: (id, deleteMemories) =>
        sql.withTransaction(
          Effect.andThen(
            deleteMemories ? Effect.asVoid(sql`DELETE FROM memories WHERE collection_id = ${id}`) : Effect.void,
            sql`DELETE FROM memory_collections WHERE id = ${id}`
          )
        ).pipe(Effect.asVoid, orStorageFailure),
      list: (ownerId, after, limit) =>
        collections(Option.match(after, {
          onNone: () => sql`SELECT * FROM memory_collections WHERE owner_id = ${ownerId} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          onSome: (p) =>
            sql`SELECT * FROM memory_collections WHERE owner_id = ${ownerId} AND (created_at, id) < (${new Date(p.at)}, ${p.id}::uuid)
                ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`
        })).pipe(orStorageFailure)
    })
  })
)
