import { Effect, Layer } from "effect"
import { AnswerFailed, AnswerGenerator, type Citation, NOTHING_FOUND } from "../../application/ports/answer-generator.js"
import { Embedder } from "../../application/ports/embedder.js"
import { cosine } from "../../domain/memory/vectors.js"

/** Sentences closer to the question than this (cosine) count as relevant. */
export const RELEVANCE_THRESHOLD = 0.3
const MAX_SENTENCES = 3

const sentences = (text: string) =>
  (text.match(/[^.!?\n]+[.!?]*/g) ?? []).map((s) => s.trim()).filter((s) => s.length > 0)

/**
 * The embedded profile's answers: no model writes anything. The sentences of the retrieved passages
 * most similar to the question (by the same embedder) are quoted, each cited; when none is similar
 * enough, the answer says that nothing was found.
 */
export const ExtractiveAnswers = Layer.effect(
  AnswerGenerator,
  Effect.gen(function*() {
    const embedder = yield* Embedder
    return AnswerGenerator.of({
      answer: (question, passages) =>
        Effect.gen(function*() {
          const candidates = passages.flatMap((p) => sentences(p.text).map((sentence) => ({ passage: p, sentence })))
          if (candidates.length === 0) return { answer: NOTHING_FOUND, citations: [] }
          const [q, ...vectors] = yield* embedder.embed([question, ...candidates.map((c) => c.sentence)])
          const ranked = candidates
            .map((c, i) => ({ ...c, score: cosine(q!, vectors[i]!) }))
            .filter((c) => c.score >= RELEVANCE_THRESHOLD)
            .sort((a, b) => b.score - a.score)
            .slice(0, MAX_SENTENCES)
          if (ranked.length === 0) return { answer: NOTHING_FOUND, citations: [] }
          const citations: Array<Citation> = []
          for (const r of ranked) {
            if (!citations.some((c) => c.memoryId === r.passage.memoryId)) {
              citations.push({ memoryId: r.passage.memoryId, snippet: r.sentence, score: r.score })
            }
          }
          const answer = ranked
            .map((r) => `${r.sentence} [${citations.findIndex((c) => c.memoryId === r.passage.memoryId) + 1}]`)
            .join(" ")
          return { answer, citations }
        }).pipe(Effect.mapError((e) => new AnswerFailed({ message: e.message })))
    })
  })
)
