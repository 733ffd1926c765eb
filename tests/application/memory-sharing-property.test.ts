import { layer } from "@effect/vitest"
import { expect } from "vitest"
import { Effect, Layer, Option, Result } from "effect"
import * as fc from "fast-check"
import { createCollection } from "../../application/memory/collections.js"
import { createMemory, getMemory, listMemories } from "../../application/memory/memories.js"
import { answerQuestion } from "../../application/memory/rag.js"
import { searchMemories } from "../../application/memory/search.js"
import { revokeCollectionShare, revokeMemoryShare, shareCollection, shareMemory } from "../../application/memory/sharing.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { CachedQueryEmbedder } from "../../adapters/embeddings/cached-embedder.js"
import { DeterministicEmbedder, DETERMINISTIC_DIMENSIONS } from "../../adapters/in-memory/embedder.memory.js"
import { MemoriesMemory } from "../../adapters/in-memory/memories.memory.js"
import { UnitOfWorkMemory } from "../../adapters/in-memory/unit-of-work.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { VectorIndexMemory } from "../../adapters/in-memory/vector-index.memory.js"
import { ExtractiveAnswers } from "../../adapters/llm/extractive-answers.js"
import { CollectionRepositorySql, MemoryRepositorySql } from "../../adapters/sql/memory-repository.sql.js"
import { MemoryShareRepositorySql } from "../../adapters/sql/memory-share-repository.sql.js"
import { QueryLogSql } from "../../adapters/sql/memory-analytics.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { VectorIndexExactSql } from "../../adapters/sql/vector-index.exact.js"
import { VectorIndexPgvector } from "../../adapters/sql/vector-index.pgvector.js"
import type { Actor } from "../../domain/identity/actor.js"
import { ALL_SCOPES } from "../../domain/identity/actor.js"
import type { CollectionId, MemoryId } from "../../domain/memory/memory.js"
import { PgliteTestDatabase, PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { checkProperty, makeUser } from "../support/fixtures.js"
import { noFilter } from "../support/memory-helpers.js"

/**
 * Two users, random memories, collections, shares and revocations, then random searches, answers,
 * lists and reads by each: nothing of the other's that is not (still) shared ever comes back, and
 * everything that is shared does come back in the plain list.
 */

const WORDS = ["apple", "river", "garden", "python", "invoice", "guitar", "tomato", "budget", "travel", "piano"] as const
const TAGS = ["red", "blue", "green"] as const
const permission = fc.constantFrom("read" as const, "write" as const)

const memorySpec = (collections: number) =>
  fc.record({
    words: fc.subarray([...WORDS], { minLength: 2, maxLength: 5 }),
    collection: fc.option(fc.nat({ max: collections - 1 }), { nil: null }),
    tags: fc.subarray([...TAGS])
  })

const Scenario = fc.record({
  ann: fc.array(memorySpec(3), { minLength: 3, maxLength: 10 }),
  bob: fc.array(memorySpec(1), { maxLength: 4 }),
  memoryShares: fc.array(fc.record({ index: fc.nat({ max: 9 }), permission, revoked: fc.boolean() }), { maxLength: 5 }),
  collectionShares: fc.array(fc.record({ index: fc.nat({ max: 2 }), permission, revoked: fc.boolean() }), { maxLength: 3 }),
  queries: fc.array(
    fc.record({
      words: fc.subarray([...WORDS], { minLength: 1, maxLength: 3 }),
      mode: fc.constantFrom("hybrid" as const, "vector" as const, "keyword" as const),
      // 0-2: Ann's collections, 3: Bob's own, null: none
      collection: fc.option(fc.nat({ max: 3 }), { nil: null }),
      tags: fc.subarray([...TAGS], { maxLength: 2 })
    }),
    { minLength: 1, maxLength: 5 }
  )
})
type Scenario = typeof Scenario extends fc.Arbitrary<infer T> ? T : never

const newActor = Effect.gen(function*() {
  const user = makeUser()
  yield* (yield* UserRepository).insert(user)
  const actor: Actor = { userId: user.id, role: "user", sessionId: Option.none(), apiKeyId: Option.none(), scopes: new Set(ALL_SCOPES) }
  return { actor, email: user.email }
})

const runScenario = (s: Scenario) =>
  Effect.gen(function*() {
    const ann = yield* newActor
    const bob = yield* newActor
    const annCollections = yield* Effect.forEach([0, 1, 2], (i) => Effect.map(createCollection(ann.actor, { name: `a${i}`, description: "" }), (c) => c.id))
    const bobCollection = (yield* createCollection(bob.actor, { name: "b", description: "" })).id
    const create = (actor: Actor, collections: ReadonlyArray<CollectionId>) => (spec: Scenario["ann"][number]) =>
      Effect.map(
        createMemory(actor, {
          content: `${spec.words.join(" ")}.`,
          title: Option.none(),
          tags: spec.tags,
          metadata: {},
          memoryType: "note",
          pinned: false,
          collectionId: spec.collection === null ? Option.none() : Option.fromNullishOr(collections[spec.collection])
        }),
        (m) => ({ id: m.id, collection: m.collectionId })
      )
    const annMemories = yield* Effect.forEach(s.ann, create(ann.actor, annCollections))
    const bobMemories = yield* Effect.forEach(s.bob, create(bob.actor, [bobCollection]))

    // Shares, some revoked again; the last word on each target wins.
    const sharedMemories = new Set<string>()
    for (const share of s.memoryShares) {
      const target = annMemories[share.index % annMemories.length]!.id
      yield* shareMemory(ann.actor, target, bob.email, share.permission)
      if (share.revoked) yield* revokeMemoryShare(ann.actor, target, bob.actor.userId)
      if (share.revoked) sharedMemories.delete(target)
      else sharedMemories.add(target)
    }
    const sharedCollections = new Set<string>()
    for (const share of s.collectionShares) {
      const target = annCollections[share.index]!
      yield* shareCollection(ann.actor, target, bob.email, share.permission)
      if (share.revoked) yield* revokeCollectionShare(ann.actor, target, bob.actor.userId)
      if (share.revoked) sharedCollections.delete(target)
      else sharedCollections.add(target)
    }

    const forBob = new Set<string>([
      ...bobMemories.map((m) => m.id as string),
      ...annMemories.filter((m) => sharedMemories.has(m.id) || (Option.isSome(m.collection) && sharedCollections.has(m.collection.value))).map((m) => m.id as string)
    ])
    const forAnn = new Set<string>(annMemories.map((m) => m.id))
    const readableCollection = (who: "ann" | "bob", i: number) =>
      who === "ann" ? i < 3 : i === 3 || sharedCollections.has(annCollections[i]!)
    const collectionOf = (i: number | null): Option.Option<CollectionId> =>
      i === null ? Option.none() : Option.some(i === 3 ? bobCollection : annCollections[i]!)

    for (const [who, actor, allowed] of [["bob", bob.actor, forBob], ["ann", ann.actor, forAnn]] as const) {
      for (const q of s.queries) {
        const query = { query: q.words.join(" "), limit: 10, mode: q.mode, collectionId: collectionOf(q.collection), tags: q.tags }
        const found = yield* Effect.result(searchMemories(actor, query))
        if (q.collection !== null && !readableCollection(who, q.collection)) {
          expect(Result.isFailure(found) && found.failure._tag, `${who} searched an unreadable collection`).toBe("NotFound")
          continue
        }
        const ids = Result.getOrThrow(found).map((r) => r.memory.id as string)
        expect(ids.filter((id) => !allowed.has(id)), `${who} ${q.mode} search surfaced another's memory`).toEqual([])
        const answer = yield* answerQuestion(actor, { question: query.query, limit: 5, collectionId: query.collectionId })
        expect(answer.citations.filter((c) => !allowed.has(c.memoryId)), `${who} answer cited another's memory`).toEqual([])
        const listed = yield* listMemories(actor, {
          collectionId: query.collectionId,
          tags: q.tags,
          memoryType: Option.none(),
          pinned: Option.none(),
          q: Option.some(q.words[0]!),
          createdFrom: Option.none(),
          createdTo: Option.none()
        }, { limit: 100, cursor: Option.none() })
        expect(listed.items.filter((m) => !allowed.has(m.id)), `${who} list surfaced another's memory`).toEqual([])
      }
      // The plain list is exactly what the user may read: shares work, and nothing more.
      const all = yield* listMemories(actor, noFilter, { limit: 100, cursor: Option.none() })
      expect(new Set(all.items.map((m) => m.id as string)), `${who} list`).toEqual(allowed)
      for (const m of [...annMemories, ...bobMemories]) {
        const read = yield* Effect.result(getMemory(actor, m.id as MemoryId))
        expect(Result.isSuccess(read), `${who} reads ${m.id}`).toBe(allowed.has(m.id))
      }
    }
  })

const answers = Layer.merge(ExtractiveAnswers, CachedQueryEmbedder({ maxEntries: 100 })).pipe(Layer.provideMerge(DeterministicEmbedder))
const model = { model: "deterministic-hash-64", dimensions: DETERMINISTIC_DIMENSIONS }
const sqlPorts = <A, E, R>(index: Layer.Layer<A, E, R>) =>
  Layer.mergeAll(index, MemoryRepositorySql, CollectionRepositorySql, MemoryShareRepositorySql, QueryLogSql, UserRepositorySql, UnitOfWorkSql)

layer(Layer.mergeAll(MemoriesMemory, VectorIndexMemory, UserRepositoryMemory, UnitOfWorkMemory, IdsUuidV7, answers))(
  "sharing, two users, in memory",
  (it) => it.effect("no query, filter or collection id surfaces the other user's unshared memory", () =>
    checkProperty(Scenario, runScenario, { numRuns: 60 }), 120_000)
)

layer(Layer.mergeAll(sqlPorts(VectorIndexPgvector(model)), IdsUuidV7, answers).pipe(Layer.provide(PgliteTestDatabase)), { timeout: "60 seconds" })(
  "sharing, two users, SQL + pgvector on PGlite",
  (it) => it.effect("no query, filter or collection id surfaces the other user's unshared memory", () =>
    checkProperty(Scenario, runScenario, { numRuns: 20 }), 240_000)
)

const url = testDatabaseUrl()
if (url !== undefined) {
  layer(Layer.mergeAll(sqlPorts(VectorIndexExactSql(model)), IdsUuidV7, answers).pipe(Layer.provide(PostgresTestDatabase(url))), { timeout: "60 seconds" })(
    "sharing, two users, SQL + exact index on PostgreSQL",
    (it) => it.effect("no query, filter or collection id surfaces the other user's unshared memory", () =>
      checkProperty(Scenario, runScenario, { numRuns: 15 }), 240_000)
  )
}
