import { readFileSync } from "node:fs"
import { layer } from "@effect/vitest"
import { expect } from "vitest"
import { Effect, Layer, Option } from "effect"
import { createMemory } from "../../application/memory/memories.js"
import { retrieve, type SearchMode } from "../../application/memory/search.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { CachedQueryEmbedder } from "../../adapters/embeddings/cached-embedder.js"
import { LOCAL_DIMENSIONS, LOCAL_MODEL, LocalEmbedder } from "../../adapters/embeddings/local-use.js"
import { CollectionRepositorySql, MemoryRepositorySql } from "../../adapters/sql/memory-repository.sql.js"
import { MemoryShareRepositorySql } from "../../adapters/sql/memory-share-repository.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { VectorIndexPgvector } from "../../adapters/sql/vector-index.pgvector.js"
import { ALL_SCOPES, type Actor } from "../../domain/identity/actor.js"
import { PgliteTestDatabase } from "../support/databases.js"
import { makeUser } from "../support/fixtures.js"

/**
 * Retrieval quality on the labelled set in tests/fixtures/retrieval (written for this test: 233
 * memories, 75 queries with the memories that answer them), with the embedded profile's real
 * components: the local sentence encoder, pgvector (HNSW) and PostgreSQL full-text search in PGlite.
 */

interface Fixture {
  readonly key: string
  readonly title: string
  readonly content: string
  readonly tags: ReadonlyArray<string>
  readonly memory_type: string
}
interface LabelledQuery {
  readonly query: string
  readonly relevant: ReadonlyArray<string>
  readonly kind: "keyword" | "paraphrase" | "mixed"
}

const dir = new URL("../fixtures/retrieval/", import.meta.url)
const fixtures: ReadonlyArray<Fixture> = readFileSync(new URL("memories.jsonl", dir), "utf8")
  .split("\n")
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line))
const queries: ReadonlyArray<LabelledQuery> = JSON.parse(readFileSync(new URL("queries.json", dir), "utf8"))

const K = 5

const Components = Layer.mergeAll(
  VectorIndexPgvector({ model: LOCAL_MODEL, dimensions: LOCAL_DIMENSIONS }),
  MemoryRepositorySql,
  CollectionRepositorySql,
  MemoryShareRepositorySql,
  UserRepositorySql,
  UnitOfWorkSql,
  IdsUuidV7,
  CachedQueryEmbedder({ maxEntries: 100 })
).pipe(Layer.provideMerge(LocalEmbedder), Layer.provideMerge(PgliteTestDatabase))

interface Scores {
  recall: number
  mrr: number
  byKind: Record<string, { recall: number; mrr: number; n: number }>
}

layer(Components, { timeout: "120 seconds", excludeTestServices: true })("retrieval quality on the labelled set", (it) => {
  it.effect(`recall@${K} and MRR for keyword, vector and hybrid; hybrid is not worse than either alone`, () =>
    Effect.gen(function*() {
      expect(fixtures.length).toBeGreaterThanOrEqual(200)
      expect(queries.length).toBeGreaterThanOrEqual(50)
      const user = makeUser()
      yield* (yield* UserRepository).insert(user)
      const actor: Actor = { userId: user.id, role: "user", sessionId: Option.none(), apiKeyId: Option.none(), scopes: new Set(ALL_SCOPES) }
      const keyOf = new Map<string, string>()
      yield* Effect.forEach(fixtures, (f) =>
        Effect.map(
          createMemory(actor, {
            content: f.content,
            title: Option.some(f.title),
            tags: f.tags,
            metadata: { fixture: f.key },
            memoryType: f.memory_type,
            pinned: false,
            collectionId: Option.none()
          }),
          (m) => keyOf.set(m.id, f.key)
        ), { discard: true })

      const evaluate = (mode: SearchMode) =>
        Effect.gen(function*() {
          const rows: Array<{ kind: string; recall: number; rr: number }> = []
          for (const q of queries) {
            const results = yield* retrieve(actor, { query: q.query, limit: 10, mode, collectionId: Option.none(), tags: [] })
            const keys = results.map((r) => keyOf.get(r.memory.id))
            const recall = q.relevant.filter((key) => keys.slice(0, K).includes(key)).length / q.relevant.length
            const first = keys.findIndex((key) => key !== undefined && q.relevant.includes(key))
            rows.push({ kind: q.kind, recall, rr: first === -1 ? 0 : 1 / (first + 1) })
          }
          const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
          const byKind: Scores["byKind"] = {}
          for (const kind of ["keyword", "paraphrase", "mixed"]) {
            const of = rows.filter((r) => r.kind === kind)
            byKind[kind] = { recall: mean(of.map((r) => r.recall)), mrr: mean(of.map((r) => r.rr)), n: of.length }
          }
          return { recall: mean(rows.map((r) => r.recall)), mrr: mean(rows.map((r) => r.rr)), byKind } satisfies Scores
        })

      const scores = {
        keyword: yield* evaluate("keyword"),
        vector: yield* evaluate("vector"),
        hybrid: yield* evaluate("hybrid")
      }
      const f = (x: number) => x.toFixed(3)
      const lines = [
        `retrieval quality: ${fixtures.length} memories, ${queries.length} queries, local model ${LOCAL_MODEL}, pgvector HNSW + PostgreSQL FTS (PGlite)`,
        `mode      recall@${K}  MRR     | recall@${K} / MRR by query kind: keyword, paraphrase, mixed`,
        ...Object.entries(scores).map(([mode, s]) =>
          `${mode.padEnd(9)} ${f(s.recall)}     ${f(s.mrr)}   | ` +
          ["keyword", "paraphrase", "mixed"].map((k) => `${f(s.byKind[k]!.recall)}/${f(s.byKind[k]!.mrr)} (n=${s.byKind[k]!.n})`).join("  ")
        )
      ]
      console.log(lines.join("\n"))
      expect(scores.hybrid.recall).toBeGreaterThanOrEqual(scores.keyword.recall)
      expect(scores.hybrid.recall).toBeGreaterThanOrEqual(scores.vector.recall)
      expect(scores.hybrid.mrr).toBeGreaterThanOrEqual(scores.keyword.mrr)
      expect(scores.hybrid.mrr).toBeGreaterThanOrEqual(scores.vector.mrr)
    }), 300_000)
})
