import { createServer, type Server } from "node:http"
import { FetchHttpClient } from "effect/http"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { Embedder } from "../../application/ports/embedder.js"
import { LocalEmbedder } from "../../adapters/embeddings/local-use.js"
import { OpenAiEmbedder } from "../../adapters/embeddings/openai-compatible.js"
import { DeterministicEmbedder } from "../../adapters/in-memory/embedder.memory.js"
import { embedderContract } from "./embedder.contract.js"
import { cosine } from "../../domain/memory/vectors.js"

layer(DeterministicEmbedder)("deterministic (test) embedder", (it) => embedderContract(it, true))

layer(LocalEmbedder, { timeout: "60 seconds" })("local model embedder (no network)", (it) => {
  embedderContract(it, true)
  it.effect("is the 512-dimension sentence encoder", () =>
    Effect.map(Embedder, (e) => expect([e.dimensions, e.model]).toEqual([512, "universal-sentence-encoder-lite@energetic-ai-0.2.0"])))
})

/**
 * A local OpenAI-compatible /embeddings endpoint on loopback, answering with the deterministic
 * embedder's vectors: the adapter is exercised over real HTTP. It can be told to fail the next calls.
 */
const fakeEndpoint = Effect.acquireRelease(
  Effect.promise(async () => {
    const deterministic = await Effect.runPromise(Effect.provide(Embedder, DeterministicEmbedder))
    const state = { failures: 0, requests: 0, lastAuthorization: "" as string | undefined, dims: deterministic.dimensions }
    const server: Server = createServer((req, res) => {
      let body = ""
      req.on("data", (c) => (body += c))
      req.on("end", async () => {
        state.requests++
        state.lastAuthorization = req.headers.authorization
        if (state.failures > 0) {
          state.failures--
          res.writeHead(503).end("busy")
          return
        }
        const { input } = JSON.parse(body) as { input: Array<string> }
        const vectors = await Effect.runPromise(deterministic.embed(input))
        const data = vectors.map((embedding, index) => ({ index, embedding: embedding.slice(0, state.dims) })).reverse()
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data }))
      })
    })
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
    const port = (server.address() as { port: number }).port
    return { server, state, url: `http://127.0.0.1:${port}/v1` }
  }),
  ({ server }) => Effect.promise(() => new Promise<void>((r) => server.close(() => r())))
)

const openAi = (url: string, dimensions = 64) =>
  OpenAiEmbedder({ url, model: "text-embedding-test", dimensions, apiKey: Option.some(Redacted.make("sk-test")), timeout: "5 seconds", batchSize: 16 }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )

describe("OpenAI-compatible embedder (against a local endpoint)", () => {
  it.live("passes the Embedder contract's checks over HTTP, batched", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint
      const texts = Array.from({ length: 40 }, (_, i) => `text ${i}`)
      const vectors = yield* Effect.flatMap(Embedder, (e) => e.embed(texts)).pipe(Effect.provide(openAi(endpoint.url)))
      const expected = yield* Effect.flatMap(Embedder, (e) => e.embed(texts)).pipe(Effect.provide(DeterministicEmbedder))
      expect(vectors).toHaveLength(40)
      vectors.forEach((v, i) => expect(cosine(v, expected[i]!)).toBeCloseTo(1, 9))
      expect(endpoint.state.requests).toBe(3)
      expect(endpoint.state.lastAuthorization).toBe("Bearer sk-test")
    }))

  it.live("retries a transient failure, and reports a wrong dimension or a dead endpoint as EmbeddingFailed", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint
      endpoint.state.failures = 2
      const [v] = yield* Effect.flatMap(Embedder, (e) => e.embed(["hello"])).pipe(Effect.provide(openAi(endpoint.url)))
      expect(v).toHaveLength(64)
      expect(endpoint.state.requests).toBe(3)
      const wrong = yield* Effect.flip(Effect.flatMap(Embedder, (e) => e.embed(["hello"])).pipe(Effect.provide(openAi(endpoint.url, 128))))
      expect(wrong.message).toBe("expected 128 dimensions, got 64")
      const dead = yield* Effect.flip(Effect.flatMap(Embedder, (e) => e.embed(["hello"])).pipe(Effect.provide(openAi("http://127.0.0.1:9/v1"))))
      expect(dead._tag).toBe("EmbeddingFailed")
    }))
})
