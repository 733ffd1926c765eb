import { describe, expect, it, layer } from "@effect/vitest"
import { Context, Effect, Exit, Fiber, Layer, Scope } from "effect"
import { Embedder } from "../../application/ports/embedder.js"
import { LocalEmbedder, LocalEmbedderPool } from "../../adapters/embeddings/local-use.js"
import { makeEmbeddingPool } from "../../adapters/embeddings/worker-pool.js"
import { EmbedderLive } from "../../bootstrap/memory.js"
import { testConfig } from "../support/http.js"
import { embedderContract } from "./embedder.contract.js"

const SLOW_WORKER = new URL("../support/slow-embed-worker.mjs", import.meta.url)
const slowPool = (size: number, queueLimit: number) =>
  makeEmbeddingPool({ script: SLOW_WORKER, size, queueLimit, batchSize: 2 })

/** Event-loop turns (setImmediate callbacks) while `effect` runs: none while the loop is held. */
const turnsDuring = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    let turns = 0
    let spinning = true
    const spin = () => {
      turns++
      if (spinning) setImmediate(spin)
    }
    setImmediate(spin)
    const result = yield* Effect.ensuring(effect, Effect.sync(() => (spinning = false)))
    return { result, turns }
  })

layer(LocalEmbedderPool({ workers: 1, queueLimit: 512 }), { timeout: "60 seconds" })("local model in worker threads", (it) => {
  embedderContract(it, true)

  it.effect("gives the in-thread model's vectors (within 1e-6)", () =>
    Effect.gen(function*() {
      const texts = [
        "The quarterly invoice is due on Friday.",
        "cats sleep most of the day",
        "Ünïcode, emoji 🧠 and punctuation — all fine?",
        "a long passage ".repeat(30).trim(),
        ...Array.from({ length: 3 }, (_, i) => `memory number ${i} about ${i % 2 === 0 ? "cats" : "invoices"}`)
      ]
      const pooled = yield* (yield* Embedder).embed(texts)
      const inThread = yield* Effect.flatMap(Embedder, (e) => e.embed(texts)).pipe(Effect.provide(LocalEmbedder))
      expect(pooled).toHaveLength(texts.length)
      pooled.forEach((v, i) => {
        expect(v).toHaveLength(512)
        v.forEach((x, j) => expect(Math.abs(x - inThread[i]![j]!)).toBeLessThanOrEqual(1e-6))
      })
    }))
})

describe("embedding pool", () => {
  it.live("the server's embedder (EmbedderLive, embedded profile) leaves the event loop free while it embeds", () =>
    Effect.gen(function*() {
      const embedder = Context.get(yield* Layer.build(EmbedderLive(yield* testConfig())), Embedder)
      // Eight chunks of a long memory (one batch): a second or more of model work on this machine.
      const texts = Array.from({ length: 8 }, (_, i) => `paragraph ${i}: ${"the quick brown fox jumps over the lazy dog. ".repeat(15)}`)
      const { turns } = yield* turnsDuring(embedder.embed(texts))
      // In-thread the model holds the loop for the whole batch: a handful of turns. Off-thread: thousands.
      expect(turns).toBeGreaterThan(100)
    }), { timeout: 120_000 })

  it.live("refuses past its bounded queue with EmbedderBusy (and a retry delay), then serves the rest", () =>
    Effect.gen(function*() {
      const pool = yield* slowPool(1, 3)
      const first = yield* Effect.forkChild(pool.embed(["block:400"]))
      yield* Effect.sleep("50 millis")
      // The worker is busy: 3 texts wait, which the queue takes whole...
      const second = yield* Effect.forkChild(pool.embed(["a", "b", "c"]))
      yield* Effect.sleep("20 millis")
      expect(pool.queued()).toBe(3)
      // ...and one more would pass the bound: refused at once, nothing queued.
      const refused = yield* Effect.flip(pool.embed(["d"]))
      expect(refused._tag).toBe("EmbedderBusy")
      expect(refused._tag === "EmbedderBusy" && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1)
      expect(pool.queued()).toBe(3)
      expect(yield* Fiber.join(first)).toHaveLength(1)
      expect(yield* Fiber.join(second)).toHaveLength(3)
      expect(yield* pool.embed(["d"])).toHaveLength(1)
    }))

  it.live("a worker that dies fails its batch with EmbeddingFailed and is replaced", () =>
    Effect.gen(function*() {
      const pool = yield* slowPool(1, 10)
      const crashed = yield* Effect.flip(pool.embed(["crash"]))
      expect(crashed._tag).toBe("EmbeddingFailed")
      expect(crashed._tag === "EmbeddingFailed" && crashed.message).toContain("exit code 3")
      expect(yield* pool.embed(["after the crash"])).toHaveLength(1)
    }))

  it.live("closing its scope stops the workers and fails what waits, never hangs it", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const pool = yield* Scope.provide(slowPool(1, 10), scope)
      const running = yield* Effect.forkChild(pool.embed(["block:300"]))
      const waiting = yield* Effect.forkChild(pool.embed(["queued"]))
      yield* Effect.sleep("50 millis")
      yield* Scope.close(scope, Exit.void)
      const [a, b] = [yield* Fiber.await(running), yield* Fiber.await(waiting)]
      for (const exit of [a, b]) {
        expect(Exit.isFailure(exit)).toBe(true)
      }
      expect((yield* Effect.flip(pool.embed(["late"])))._tag).toBe("EmbeddingFailed")
    }))

  it.live("texts of mixed lengths are batched by length over the workers and answered in the call's order", () =>
    Effect.gen(function*() {
      const pool = yield* slowPool(2, 100)
      const texts = Array.from({ length: 23 }, (_, i) => `${String.fromCharCode(65 + i)}${"x".repeat((i * 13) % 17)}`)
      const vectors = yield* pool.embed(texts)
      expect(vectors.map((v) => v[1])).toEqual(texts.map((t) => t.charCodeAt(1 % t.length) / 1000))
      expect(vectors.map((v) => v[2])).toEqual(texts.map((t) => (t.charCodeAt(2 % t.length) || 0) / 1000))
    }))

  it.live("a call larger than the whole queue is taken when nothing waits (split over the workers)", () =>
    Effect.gen(function*() {
      const pool = yield* slowPool(2, 3)
      const texts = Array.from({ length: 9 }, (_, i) => `text ${i}`)
      const vectors = yield* pool.embed(texts)
      expect(vectors.map((v) => v[1])).toEqual(texts.map((t) => t.charCodeAt(1) / 1000))
    }))
})

