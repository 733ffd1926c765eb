import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { MemoriesMemory } from "../../adapters/in-memory/memories.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { VectorIndexMemory } from "../../adapters/in-memory/vector-index.memory.js"
import { MemoryRepositorySql } from "../../adapters/sql/memory-repository.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { VectorIndexExactSql } from "../../adapters/sql/vector-index.exact.js"
import { VectorIndexPgvector } from "../../adapters/sql/vector-index.pgvector.js"
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
  layer(sqlWith(VectorIndexExactSql(model)).pipe(Layer.provide(PostgresTestDatabase(url))), { timeout: "60 seconds" })(
    "exact SQL index on PostgreSQL",
    (it) => vectorIndexContract(it)
  )
}
