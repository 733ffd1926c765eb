import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { MemoriesMemory } from "../../adapters/in-memory/memories.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { VectorIndexMemory } from "../../adapters/in-memory/vector-index.memory.js"
import { MemoryRepositorySql } from "../../adapters/sql/memory-repository.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { VectorIndexPgvector } from "../../adapters/sql/vector-index.pgvector.js"
import { PgliteTestDatabase } from "../support/databases.js"
import { VECTOR_DIMS, vectorIndexContract } from "./vector-index.contract.js"

layer(Layer.mergeAll(VectorIndexMemory, MemoriesMemory, UserRepositoryMemory))("in-memory exact vector index", (it) => vectorIndexContract(it))

// The machine's PostgreSQL has no pgvector; the pgvector adapter runs on PGlite, which ships it.
layer(
  Layer.mergeAll(VectorIndexPgvector({ model: "test-model", dimensions: VECTOR_DIMS }), MemoryRepositorySql, UserRepositorySql).pipe(
    Layer.provide(PgliteTestDatabase)
  ),
  { timeout: "60 seconds" }
)("pgvector index on PGlite", (it) => vectorIndexContract(it))
