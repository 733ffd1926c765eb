import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Random, Stream } from "effect"
import { JobHandlers, type JobRun, runOnce } from "../../application/jobs/runner.js"
import { IMPORT_JOB, runImport, startImport } from "../../application/memory/transfer.js"
import { Embedder } from "../../application/ports/embedder.js"
import { JobQueue } from "../../application/ports/job-queue.js"
import { everything, MemoryRepository } from "../../application/ports/memory-repository.js"
import { VectorIndex } from "../../application/ports/vector-index.js"
import { ContentHashNode } from "../../adapters/crypto/content-hash.node.js"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { JobQueueMemory } from "../../adapters/in-memory/job-queue.memory.js"
import { ownerOnly } from "../../domain/memory/sharing.js"
import { register } from "../../application/identity/register.js"
import { ann, loginAnn } from "../support/identity-helpers.js"
import { MemoryTestLayer } from "../support/memory-helpers.js"

/**
 * The deterministic embedder, answering each call after a random pause: the pipelined import has
 * several batches embedding at once, and they finish in any order.
 */
const JitteryEmbedder = Layer.effect(
  Embedder,
  Effect.map(Embedder, (inner) =>
    Embedder.of({
      ...inner,
      embed: (texts) => Effect.andThen(Effect.flatMap(Random.nextIntBetween(0, 15), (ms) => Effect.sleep(`${ms} millis`)), inner.embed(texts))
    }))
)

const Handlers = Layer.effect(
  JobHandlers,
  Effect.map(Effect.context<Effect.Services<ReturnType<typeof runImport>>>(), (context) => ({
    [IMPORT_JOB]: (run: JobRun) => Effect.provide(runImport(run), context)
  }))
)

const ImportLayer = Handlers.pipe(
  Layer.provideMerge(Layer.mergeAll(JobQueueMemory, FileStoreMemory, ContentHashNode)),
  Layer.provideMerge(Layer.fresh(JitteryEmbedder).pipe(Layer.provideMerge(MemoryTestLayer)))
)

layer(ImportLayer, { excludeTestServices: true })("memory import (pipelined batches)", (it) => {
  it.effect("batches embedded out of order still give every record its own vector, once, with exact counts", () =>
    Effect.gen(function*() {
      yield* register(ann)
      const { actor } = yield* loginAnn()
      // 600 lines, ten batches: repeats of a record of the batch before (often still being written
      // when the repeat is embedded) and of the same batch, bad lines, and texts of many lengths.
      const lines: Array<string> = []
      for (let i = 0; i < 600; i++) {
        if (i % 37 === 5) lines.push("{ not json")
        else if (i % 41 === 9 && i > 70) lines.push(JSON.stringify({ content: "a repeat", external_id: `r-${i - 70}` }))
        else if (i % 43 === 11) lines.push(JSON.stringify({ content: "a repeat in the batch", external_id: `r-${i - 3}` }))
        else lines.push(JSON.stringify({ content: `Record ${i}: ${"word ".repeat((i * 7) % 60)}end of ${i}.`, external_id: `r-${i}` }))
      }
      const bad = lines.filter((l) => l === "{ not json").length
      const firsts = new Set<string>()
      let duplicates = 0
      for (const line of lines) {
        if (line === "{ not json") continue
        const id = JSON.parse(line).external_id as string
        if (firsts.has(id)) duplicates++
        firsts.add(id)
      }
      const job = yield* startImport(actor, {
        body: Stream.encodeText(Stream.make(lines.join("\n"))),
        format: Effect.succeed("jsonl" as const),
        collectionId: Option.none()
      })
      yield* runOnce({ workerId: "w", concurrency: 1, pollInterval: "1 second", lease: "10 minutes" })
      const done = Option.getOrThrow(yield* (yield* JobQueue).findById(job.id))
      expect(done.status).toBe("succeeded")
      expect(done.result).toEqual({ total: 600, imported: firsts.size, duplicates, invalid: bad })

      const memories = yield* (yield* MemoryRepository).list(everything(ownerOnly(actor.userId)), Option.none(), 1000)
      expect(memories).toHaveLength(firsts.size)
      const embedder = yield* Embedder
      const index = yield* VectorIndex
      for (const memory of memories) {
        // The first record of each external id, with the vector of its own text.
        const key = Option.getOrThrow(memory.importKey)
        const line = lines.find((l) => l !== "{ not json" && JSON.parse(l).external_id === key)!
        expect(memory.content).toBe(JSON.parse(line).content)
        const [expected] = yield* embedder.embed([memory.content])
        expect(Option.getOrThrow(yield* index.vectorOf(memory.id))).toEqual(expected)
      }
    }), { timeout: 60_000 })
})
