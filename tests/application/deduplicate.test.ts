import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import { getJob } from "../../application/jobs/jobs.js"
import { JobHandlers, runOnce } from "../../application/jobs/runner.js"
import { DEDUPLICATE_JOB, runDeduplicate, startDeduplicate } from "../../application/memory/deduplicate.js"
import { createMemory, getMemory, listMemories } from "../../application/memory/memories.js"
import type { ContentHash } from "../../application/ports/content-hash.js"
import type { Embedder } from "../../application/ports/embedder.js"
import type { MemoryRepository } from "../../application/ports/memory-repository.js"
import type { UnitOfWork } from "../../application/ports/unit-of-work.js"
import type { VectorIndex } from "../../application/ports/vector-index.js"
import { ContentHashNode } from "../../adapters/crypto/content-hash.node.js"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { JobQueueMemory } from "../../adapters/in-memory/job-queue.memory.js"
import { input, MemoryTestLayer, noFilter } from "../support/memory-helpers.js"
import { person } from "../support/projects-helpers.js"

const Handlers = Layer.effect(
  JobHandlers,
  Effect.map(Effect.context<MemoryRepository | VectorIndex | UnitOfWork | Embedder | ContentHash>(), (context) => ({
    [DEDUPLICATE_JOB]: (run) => Effect.provide(runDeduplicate(run), context)
  }))
)
const TestLayer = Handlers.pipe(Layer.provideMerge(Layer.mergeAll(JobQueueMemory, ContentHashNode, FileStoreMemory, MemoryTestLayer)))

describe("deduplicate", () => {
  it.effect("merges exact and near duplicates into the oldest, keeping every tag and the metadata, and reports it", () =>
    Effect.gen(function*() {
      const ann = yield* person("ann")
      const bob = yield* person("bob")
      const first = yield* createMemory(ann.actor, input("Buy milk tomorrow", { tags: ["errand"], metadata: { from: "phone" } }))
      yield* TestClock.adjust("1 minute")
      const exact = yield* createMemory(ann.actor, input("  buy MILK   tomorrow ", { tags: ["shopping"], metadata: { from: "laptop", list: "weekly" }, pinned: true }))
      yield* TestClock.adjust("1 minute")
      const fox = yield* createMemory(ann.actor, input("the quick brown fox jumps over the lazy dog"))
      yield* TestClock.adjust("1 minute")
      const foxAgain = yield* createMemory(ann.actor, input("The quick brown fox jumps over the lazy dog!", { tags: ["animals"] }))
      const distinct = yield* createMemory(ann.actor, input("Quarterly revenue grew with the new pricing"))
      const bobsCopy = yield* createMemory(bob.actor, input("Buy milk tomorrow"))

      const job = yield* startDeduplicate(ann.actor, 0.95)
      yield* runOnce({ workerId: "w", concurrency: 1, pollInterval: "1 second", lease: "1 minute" })
      const done = yield* getJob(ann.actor, job.id)
      expect(done.status).toBe("succeeded")
      const result = done.result as { checked: number; merged: number; report: Array<{ kept: string; merged: Array<{ id: string; reason: string }> }> }
      expect([result.checked, result.merged]).toEqual([5, 2])
      expect(result.report).toEqual(expect.arrayContaining([
        { kept: first.id, merged: [{ id: exact.id, reason: "exact", similarity: 1 }] },
        { kept: fox.id, merged: [expect.objectContaining({ id: foxAgain.id, reason: "similar" })] }
      ]))
      const kept = yield* getMemory(ann.actor, first.id)
      expect([kept.tags, kept.metadata, kept.pinned, kept.content]).toEqual([["errand", "shopping"], { from: "phone", list: "weekly" }, true, "Buy milk tomorrow"])
      expect((yield* getMemory(ann.actor, fox.id)).tags).toEqual(["animals"])
      const left = (yield* listMemories(ann.actor, noFilter, { limit: 10, cursor: Option.none() })).items.map((m) => m.id)
      expect(left.sort()).toEqual([first.id, fox.id, distinct.id].sort())
      // Another user's identical memory is not theirs to merge.
      expect((yield* getMemory(bob.actor, bobsCopy.id)).id).toBe(bobsCopy.id)
    }).pipe(Effect.provide(TestLayer)))
})
