import { Duration, Effect } from "effect"
import { chunkText } from "../../domain/memory/chunking.js"
import type { Memory } from "../../domain/memory/memory.js"
import { Embedder, EmbedderBusy } from "../ports/embedder.js"
import type { VectorEntry } from "../ports/vector-index.js"

/** The text a memory is found by: its title, then its content. */
const searchableText = (memory: Memory) => (memory.title._tag === "Some" ? `${memory.title.value}\n\n${memory.content}` : memory.content)

/**
 * Chunks and embeds a memory, before any transaction opens (embedding is slow next to a write, and on
 * PGlite an open transaction holds the only connection).
 */
export const embedMemory = (memory: Memory) => embedMemories([memory])

/** Several memories chunked and embedded in one call to the embedder (imports, reindexing). */
export const embedMemories = Effect.fn("Memory.embedMany")(function*(memories: ReadonlyArray<Memory>) {
  const chunked = memories.map((memory) => ({ memory, chunks: chunkText(searchableText(memory)) }))
  const vectors = yield* (yield* Embedder).embed(chunked.flatMap((m) => m.chunks.map((c) => c.text)))
  let next = 0
  return chunked.flatMap(({ chunks, memory }) =>
    chunks.map((chunk): VectorEntry => ({
      memoryId: memory.id,
      chunkIndex: chunk.index,
      ownerId: memory.ownerId,
      collectionId: memory.collectionId,
      tags: memory.tags,
      memoryType: memory.memoryType,
      text: chunk.text,
      vector: vectors[next++]!
    }))
  )
})

/**
 * For jobs: a full embedding queue (EmbedderBusy) is waited out, as long as it asks, instead of
 * failing the attempt; a request, by contrast, is refused at once (503 with Retry-After).
 */
export const patiently = <A, E, R>(embed: Effect.Effect<A, E | EmbedderBusy, R>): Effect.Effect<A, Exclude<E, EmbedderBusy>, R> =>
  Effect.catch(embed, (error) =>
    error instanceof EmbedderBusy
      ? Effect.andThen(Effect.sleep(Duration.seconds(error.retryAfterSeconds)), Effect.suspend(() => patiently(embed)))
      : Effect.fail(error as Exclude<E, EmbedderBusy>))
