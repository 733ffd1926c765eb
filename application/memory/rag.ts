import { Effect, Option } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import type { CollectionId } from "../../domain/memory/memory.js"
import { AnswerGenerator } from "../ports/answer-generator.js"
import { recordQuery } from "./analytics.js"
import { retrieve } from "./search.js"

/** Retrieves with the same rules as search (the caller's readable memories only), then answers from those alone. */
export const answerQuestion = Effect.fn("Memory.answer")(function*(
  actor: Actor,
  input: { readonly question: string; readonly limit: number; readonly collectionId: Option.Option<CollectionId> }
) {
  const results = yield* retrieve(actor, { query: input.question, limit: input.limit, mode: "hybrid", collectionId: input.collectionId, tags: [] })
  const answer = yield* (yield* AnswerGenerator).answer(
    input.question,
    results.map((r) => ({ memoryId: r.memory.id, text: r.memory.content, score: r.score }))
  )
  yield* recordQuery(actor, "rag", input.question, "hybrid", answer.citations.length)
  return answer
})
