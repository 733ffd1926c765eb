import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Option } from "effect"
import { QueryEmbedder } from "../../application/ports/embedder.js"
import { MemoryRepository } from "../../application/ports/memory-repository.js"
import { TestClock } from "effect/testing"
import { createCollection, deleteCollection } from "../../application/memory/collections.js"
import { createMemory, deleteMemory, getMemory, listMemories, updateMemory } from "../../application/memory/memories.js"
import { searchMemories } from "../../application/memory/search.js"
import { MEMORY_LIMITS } from "../../domain/memory/memory.js"
import { answerQuestion } from "../../application/memory/rag.js"
import { NOTHING_FOUND } from "../../application/ports/answer-generator.js"
import { person } from "../support/projects-helpers.js"
import { input, MemoryTestLayer, noFilter, search, tagOf } from "../support/memory-helpers.js"

describe("memories", () => {
  it.effect("a memory is searchable as soon as it is created, and gone from search once deleted", () =>
    Effect.gen(function*() {
      const { actor } = yield* person("ann")
      const garden = yield* createMemory(actor, input("tomatoes need water in the garden every morning"))
      yield* createMemory(actor, input("the invoice for the laptop is due on friday"))
      for (const mode of ["vector", "keyword", "hybrid"] as const) {
        const results = yield* searchMemories(actor, search("garden tomatoes", { mode }))
        expect(results[0]?.memory.id, mode).toBe(garden.id)
      }
      yield* deleteMemory(actor, garden.id)
      for (const mode of ["vector", "keyword", "hybrid"] as const) {
        const results = yield* searchMemories(actor, search("garden tomatoes", { mode }))
        expect(results.map((r) => r.memory.id), mode).not.toContain(garden.id)
      }
    }).pipe(Effect.provide(MemoryTestLayer)))

  it.effect("an edit is re-indexed before it answers", () =>
    Effect.gen(function*() {
      const { actor } = yield* person("ann")
      const m = yield* createMemory(actor, input("notes about the bicycle repair"))
      yield* updateMemory(actor, m.id, { content: "notes about sourdough bread baking" })
      const [top] = yield* searchMemories(actor, search("sourdough bread", { mode: "vector" }))
      expect(top?.memory.id).toBe(m.id)
      expect(top?.snippet).toContain("sourdough")
    }).pipe(Effect.provide(MemoryTestLayer)))

  it.effect("another user's memory is NotFound, and never appears in their search or lists", () =>
    Effect.gen(function*() {
      const ann = yield* person("ann")
      const bob = yield* person("bob")
      const secret = yield* createMemory(ann.actor, input("ann's secret recipe for plum jam"))
      expect(yield* tagOf(getMemory(bob.actor, secret.id))).toBe("NotFound")
      expect(yield* tagOf(updateMemory(bob.actor, secret.id, { content: "x" }))).toBe("NotFound")
      expect(yield* tagOf(deleteMemory(bob.actor, secret.id))).toBe("NotFound")
      for (const mode of ["vector", "keyword", "hybrid"] as const) {
        expect(yield* searchMemories(bob.actor, search("plum jam recipe", { mode }))).toEqual([])
      }
      expect((yield* listMemories(bob.actor, noFilter, { limit: 50, cursor: Option.none() })).items).toEqual([])
      const annsCollection = yield* createCollection(ann.actor, { name: "Jams", description: "" })
      expect(yield* tagOf(createMemory(bob.actor, input("x", { collectionId: Option.some(annsCollection.id) })))).toBe("NotFound")
      expect(yield* tagOf(searchMemories(bob.actor, search("jam", { collectionId: Option.some(annsCollection.id) })))).toBe("NotFound")
    }).pipe(Effect.provide(MemoryTestLayer)))

  it.effect("search filters by collection and tags; list filters and pages", () =>
    Effect.gen(function*() {
      const { actor } = yield* person("ann")
      const work = yield* createCollection(actor, { name: "Work", description: "" })
      const a = yield* createMemory(actor, input("meeting notes about the budget", { collectionId: Option.some(work.id), tags: ["q3", "budget"] }))
      yield* TestClock.adjust("1 second")
      const b = yield* createMemory(actor, input("budget for the holiday trip", { tags: ["budget"], pinned: true }))
      expect((yield* searchMemories(actor, search("budget", { collectionId: Option.some(work.id) }))).map((r) => r.memory.id)).toEqual([a.id])
      expect((yield* searchMemories(actor, search("budget", { tags: ["budget", "q3"] }))).map((r) => r.memory.id)).toEqual([a.id])
      const pinned = yield* listMemories(actor, { ...noFilter, pinned: Option.some(true) }, { limit: 10, cursor: Option.none() })
      expect(pinned.items.map((m) => m.id)).toEqual([b.id])
      const page1 = yield* listMemories(actor, noFilter, { limit: 1, cursor: Option.none() })
      const page2 = yield* listMemories(actor, noFilter, { limit: 1, cursor: page1.nextCursor })
      expect([...page1.items, ...page2.items].map((m) => m.id)).toEqual([b.id, a.id])
    }).pipe(Effect.provide(MemoryTestLayer)))

  it.effect("deleting a collection keeps its memories (without a collection) or deletes them, as asked", () =>
    Effect.gen(function*() {
      const { actor } = yield* person("ann")
      const keep = yield* createCollection(actor, { name: "Keep", description: "" })
      const drop = yield* createCollection(actor, { name: "Drop", description: "" })
      const kept = yield* createMemory(actor, input("alpha beta gamma", { collectionId: Option.some(keep.id) }))
      const dropped = yield* createMemory(actor, input("delta epsilon zeta", { collectionId: Option.some(drop.id) }))
      yield* deleteCollection(actor, keep.id, false)
      yield* deleteCollection(actor, drop.id, true)
      expect(Option.isNone((yield* getMemory(actor, kept.id)).collectionId)).toBe(true)
      expect(yield* tagOf(getMemory(actor, dropped.id))).toBe("NotFound")
      const found = (yield* searchMemories(actor, search("delta epsilon zeta", { mode: "vector" }))).map((r) => r.memory.id)
      expect(found).not.toContain(dropped.id)
      expect(found).toContain(kept.id)
    }).pipe(Effect.provide(MemoryTestLayer)))

  it.effect("refuses content and metadata over the limits", () =>
    Effect.gen(function*() {
      const { actor } = yield* person("ann")
      expect(yield* tagOf(createMemory(actor, input("x".repeat(MEMORY_LIMITS.contentChars + 1))))).toBe("MemoryTooLarge")
      expect(yield* tagOf(createMemory(actor, input("ok", { metadata: { blob: "y".repeat(MEMORY_LIMITS.metadataBytes) } })))).toBe("MemoryTooLarge")
    }).pipe(Effect.provide(MemoryTestLayer)))
})

describe("answers (RAG)", () => {
  it.effect("quotes and cites the caller's relevant memory, and says so when nothing is relevant", () =>
    Effect.gen(function*() {
      const ann = yield* person("ann")
      const bob = yield* person("bob")
      const passport = yield* createMemory(ann.actor, input("The passport expires in march. Renew the passport before the trip."))
      yield* createMemory(ann.actor, input("The garden needs water every morning."))
      yield* createMemory(bob.actor, input("Bob keeps the passport of the company in the safe."))
      const answer = yield* answerQuestion(ann.actor, { question: "when does the passport expire", limit: 5, collectionId: Option.none() })
      expect(answer.answer).toContain("The passport expires in march.")
      expect(answer.citations.map((c) => c.memoryId)).toEqual([passport.id])
      const nothing = yield* answerQuestion(ann.actor, { question: "quantum chromodynamics lecture", limit: 5, collectionId: Option.none() })
      expect(nothing).toEqual({ answer: NOTHING_FOUND, citations: [] })
    }).pipe(Effect.provide(MemoryTestLayer)))
})

describe("search, concurrently", () => {
  // The query's embedding (a worker thread, or a remote model) and the database's part overlap: the
  // keyword side of a hybrid search is asked while the embedding is still on its way. Were they one
  // after the other, the embedder below would wait for a keyword search that never starts.
  it.live("a hybrid search runs its keyword search while the query is being embedded", () =>
    Effect.gen(function*() {
      const { actor } = yield* person("ann")
      const garden = yield* createMemory(actor, input("tomatoes need water in the garden every morning"))
      const keywordAsked = yield* Deferred.make<void>()
      const embedder = yield* QueryEmbedder
      const repository = yield* MemoryRepository
      const waiting = QueryEmbedder.of({
        ...embedder,
        embed: (texts) =>
          Deferred.await(keywordAsked).pipe(
            Effect.timeoutOrElse({ duration: "2 seconds", orElse: () => Effect.die(new Error("the keyword search waited for the embedding")) }),
            Effect.andThen(embedder.embed(texts))
          )
      })
      const signalling = MemoryRepository.of({
        ...repository,
        keywordSearch: (filter, query, k) => Effect.andThen(Deferred.succeed(keywordAsked, undefined), repository.keywordSearch(filter, query, k))
      })
      const results = yield* searchMemories(actor, search("garden tomatoes", { mode: "hybrid" })).pipe(
        Effect.provideService(QueryEmbedder, waiting),
        Effect.provideService(MemoryRepository, signalling)
      )
      expect(results[0]?.memory.id).toBe(garden.id)
    }).pipe(Effect.provide(MemoryTestLayer)))
})
