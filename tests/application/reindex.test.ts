import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { JobHandlers, runOnce } from "../../application/jobs/runner.js"
import { createMemory } from "../../application/memory/memories.js"
import { reindexIfModelChanged, REINDEX_JOB, runReindex } from "../../application/memory/reindex.js"
import { retrieve } from "../../application/memory/search.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { VectorIndex } from "../../application/ports/vector-index.js"
import type { Embedder } from "../../application/ports/embedder.js"
import type { MemoryRepository } from "../../application/ports/memory-repository.js"
import type { UnitOfWork } from "../../application/ports/unit-of-work.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { CachedQueryEmbedder } from "../../adapters/embeddings/cached-embedder.js"
import { DETERMINISTIC_DIMENSIONS, DeterministicEmbedder } from "../../adapters/in-memory/embedder.memory.js"
import { JobQueueSql } from "../../adapters/sql/job-queue.sql.js"
import { CollectionRepositorySql, MemoryRepositorySql } from "../../adapters/sql/memory-repository.sql.js"
import { MemoryShareRepositorySql } from "../../adapters/sql/memory-share-repository.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { VectorIndexPgvector } from "../../adapters/sql/vector-index.pgvector.js"
import { ALL_SCOPES, type Actor } from "../../domain/identity/actor.js"
import { PgliteTestDatabase } from "../support/databases.js"
import { makeUser } from "../support/fixtures.js"
import { input } from "../support/memory-helpers.js"

const Storage = Layer.mergeAll(MemoryRepositorySql, CollectionRepositorySql, MemoryShareRepositorySql, UserRepositorySql, UnitOfWorkSql, JobQueueSql, IdsUuidV7)
  .pipe(Layer.provideMerge(CachedQueryEmbedder({ maxEntries: 100 })), Layer.provideMerge(DeterministicEmbedder), Layer.provideMerge(PgliteTestDatabase))

const search = (actor: Actor, query: string, mode: "vector" | "keyword") =>
  Effect.map(retrieve(actor, { query, limit: 5, mode, collectionId: Option.none(), tags: [] }), (rs) => rs.map((r) => r.memory.content))

// The embedder stays the deterministic one; what changes is the model the stored vectors are said
// to come from, which is what the index compares.
layer(Storage, { timeout: "60 seconds" })("reindex after a change of embedding model", (it) => {
  it.effect("old vectors are left out of vector search until a startup-queued job re-embeds every memory; keyword search never stops", () =>
    Effect.gen(function*() {
      const user = makeUser()
      yield* (yield* UserRepository).insert(user)
      const actor: Actor = { userId: user.id, role: "user", sessionId: Option.none(), apiKeyId: Option.none(), scopes: new Set(ALL_SCOPES) }
      const before = yield* Layer.build(VectorIndexPgvector({ model: "old-model", dimensions: DETERMINISTIC_DIMENSIONS }))
      yield* Effect.forEach(["the red kite flies high", "a green tea recipe", "blue whales sing"], (c) => createMemory(actor, input(c)).pipe(Effect.provide(before)))

      const after = yield* Layer.build(VectorIndexPgvector({ model: "deterministic-hash-64", dimensions: DETERMINISTIC_DIMENSIONS }))
      const withNewIndex = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, after)
      expect(yield* withNewIndex(Effect.flatMap(VectorIndex, (i) => i.foreignVectors))).toEqual(Option.some({ model: "old-model", dimensions: DETERMINISTIC_DIMENSIONS }))
      expect(yield* withNewIndex(search(actor, "red kite", "vector"))).toEqual([])
      expect(yield* withNewIndex(search(actor, "red kite", "keyword"))).toEqual(["the red kite flies high"])

      const job = Option.getOrThrow(yield* withNewIndex(reindexIfModelChanged))
      const again = Option.getOrThrow(yield* withNewIndex(reindexIfModelChanged))
      expect(again.id).toBe(job.id)
      const context = yield* withNewIndex(Effect.context<VectorIndex | MemoryRepository | UnitOfWork | Embedder>())
      const handlers = Layer.succeed(JobHandlers, { [REINDEX_JOB]: (run) => Effect.provide(runReindex(run), context) })
      expect(yield* runOnce({ workerId: "w", concurrency: 1, pollInterval: "1 second", lease: "1 minute" }).pipe(Effect.provide(handlers))).toBe(true)

      expect(yield* withNewIndex(Effect.flatMap(VectorIndex, (i) => i.foreignVectors))).toEqual(Option.none())
      expect((yield* withNewIndex(search(actor, "red kite", "vector")))[0]).toBe("the red kite flies high")
      expect(yield* withNewIndex(reindexIfModelChanged)).toEqual(Option.none())
    }))
})
