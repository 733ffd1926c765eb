import { SqlClient } from "effect/sql"
import { describe, expect, it, layer } from "@effect/vitest"
import { Cause, Context, Effect, Exit, Layer, Option } from "effect"
import { MemoriesMemory } from "../../adapters/in-memory/memories.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { VectorIndexMemory } from "../../adapters/in-memory/vector-index.memory.js"
import { MemoryRepositorySql } from "../../adapters/sql/memory-repository.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { VectorIndexExactSql } from "../../adapters/sql/vector-index.exact.js"
import { hasOptions, HNSW_OPTIONS, VectorIndexPgvector } from "../../adapters/sql/vector-index.pgvector.js"
import { VectorIndexQdrant } from "../../adapters/qdrant/vector-index.qdrant.js"
import { VectorIndex } from "../../application/ports/vector-index.js"
import { MemoryId } from "../../domain/memory/memory.js"
import { UserId } from "../../domain/identity/user.js"
import { ownerOnly } from "../../domain/memory/sharing.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { PgliteTestDatabase, PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { VECTOR_DIMS, vectorIndexContract } from "./vector-index.contract.js"

const model = { model: "test-model", dimensions: VECTOR_DIMS }
const sqlWith = <A, E, R>(index: Layer.Layer<A, E, R>) => Layer.mergeAll(index, MemoryRepositorySql, UserRepositorySql)

layer(Layer.mergeAll(VectorIndexMemory, MemoriesMemory, UserRepositoryMemory))("in-memory exact vector index", (it) => vectorIndexContract(it))

// The machine's PostgreSQL has no pgvector; the pgvector adapter runs on PGlite, which ships it.
layer(sqlWith(VectorIndexPgvector(model)).pipe(Layer.provide(PgliteTestDatabase)), { timeout: "60 seconds" })(
  "pgvector index on PGlite",
  (it) => vectorIndexContract(it)
)

layer(sqlWith(VectorIndexExactSql(model)).pipe(Layer.provide(PgliteTestDatabase)), { timeout: "60 seconds" })(
  "exact SQL index on PGlite",
  (it) => vectorIndexContract(it)
)

const url = testDatabaseUrl()
if (url === undefined) {
  console.warn("TEST_DATABASE_URL is not set: the exact SQL vector index was NOT checked on PostgreSQL (CI sets it).")
} else {
  layer(sqlWith(VectorIndexExactSql(model)).pipe(Layer.provideMerge(PostgresTestDatabase(url))), { timeout: "60 seconds" })(
    "exact SQL index on PostgreSQL",
    (it) => {
      vectorIndexContract(it)
      it.effect("pgvector forced on a PostgreSQL without the extension stops startup, saying why", () =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(Layer.build(VectorIndexPgvector(model)))
          expect(Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "it started").toContain("pgvector is not installed in this database")
        }))
    }
  )
}

const qdrantUrl = process.env.QDRANT_URL || undefined
if (qdrantUrl === undefined) {
  console.warn("QDRANT_URL is not set: the Qdrant vector index was NOT checked (no Qdrant server on this machine).")
} else {
  // A collection prefix of its own per run, so runs never see each other's points.
  const qdrant = VectorIndexQdrant({
    url: qdrantUrl,
    apiKey: Option.none(),
    collectionPrefix: `brainops_test_${Date.now()}`,
    relayInterval: "200 millis",
    ...model
  })
  layer(sqlWith(qdrant).pipe(Layer.provideMerge(PgliteTestDatabase)), { timeout: "60 seconds" })("Qdrant index (outbox on PGlite)", (it) => {
    vectorIndexContract(it)
    it.effect("index writes live in the outbox until applied, and roll back with their transaction", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const index = yield* VectorIndex
        const failed = yield* Effect.result(sql.withTransaction(Effect.andThen(index.remove(MemoryId.make(uuidV7(Date.now()))), Effect.fail("boom"))))
        expect(failed._tag).toBe("Failure")
        expect(yield* sql`SELECT count(*)::int AS n FROM vector_outbox`).toEqual([{ n: 0 }])
      }))
  })
}

describe("SQL vector indexes and a changed embedding model", () => {
  it.live("notice vectors of another model, and leave them out of searches until they are re-embedded", () =>
    Effect.gen(function*() {
      const context = yield* Layer.build(VectorIndexExactSql(model).pipe(Layer.provideMerge(PgliteTestDatabase)))
      const sql = Context.get(context, SqlClient.SqlClient)
      yield* sql`INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
                 VALUES ('00000000-0000-7000-8000-000000000001', 'v@x.io', 'V', 'user', 'h', now(), now())`
      yield* sql`INSERT INTO memories (id, owner_id, content, memory_type, created_at, updated_at)
                 VALUES ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000001', 'c', 'note', now(), now())`
      yield* sql`INSERT INTO memory_chunk_vectors (memory_id, chunk_index, owner_id, memory_type, text, model, dimensions, embedding)
                 VALUES ('00000000-0000-7000-8000-000000000002', 0, '00000000-0000-7000-8000-000000000001', 'note', 't', 'test-model', ${VECTOR_DIMS}, '{1,0,0,0,0,0,0,0}')`
      const same = Context.get(yield* Layer.build(VectorIndexExactSql(model)).pipe(Effect.provide(context)), VectorIndex)
      expect(yield* same.foreignVectors).toEqual(Option.none())
      const other = Context.get(yield* Layer.build(VectorIndexExactSql({ model: "another-model", dimensions: 16 })).pipe(Effect.provide(context)), VectorIndex)
      expect(yield* other.foreignVectors).toEqual(Option.some({ model: "test-model", dimensions: VECTOR_DIMS }))
      const filter = { audience: ownerOnly(UserId.make("00000000-0000-7000-8000-000000000001")), collectionId: Option.none(), tags: [], memoryType: Option.none() }
      expect(yield* other.search(Array.from({ length: 16 }, () => 0.25), filter, 5)).toEqual([])
      expect((yield* same.search([1, 0, 0, 0, 0, 0, 0, 0], filter, 5)).length).toBe(1)
    }), 60_000)
})

describe("the pgvector index's graph", () => {
  it.live("is built with HNSW_OPTIONS, and an index of an earlier definition is built again with them", () =>
    Effect.gen(function*() {
      const context = yield* Layer.build(PgliteTestDatabase)
      const sql = Context.get(context, SqlClient.SqlClient)
      const definition = Effect.map(
        sql<{ indexdef: string }>`SELECT indexdef FROM pg_indexes WHERE indexname = ${`memory_chunks_hnsw_${VECTOR_DIMS}`}`,
        (rows) => rows.map((row) => row.indexdef)
      )
      // An earlier version's index: pgvector's default graph.
      yield* sql.unsafe(
        `CREATE INDEX memory_chunks_hnsw_${VECTOR_DIMS} ON memory_chunks USING hnsw ((embedding::vector(${VECTOR_DIMS})) vector_cosine_ops) WHERE dimensions = ${VECTOR_DIMS}`
      )
      expect((yield* definition).map(hasOptions)).toEqual([false])
      yield* Layer.build(VectorIndexPgvector(model)).pipe(Effect.provide(context))
      const [rebuilt] = yield* definition
      expect(rebuilt).toContain(`m='${HNSW_OPTIONS.m}'`)
      expect(rebuilt).toContain(`ef_construction='${HNSW_OPTIONS.efConstruction}'`)
      expect(rebuilt).toContain(`WHERE (dimensions = ${VECTOR_DIMS})`)
      // Started again, it leaves the index as it is.
      yield* Layer.build(VectorIndexPgvector(model)).pipe(Effect.provide(context))
      expect(yield* definition).toEqual([rebuilt])
    }), 60_000)
})
