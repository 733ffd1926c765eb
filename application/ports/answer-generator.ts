import { Context, type Effect, Schema } from "effect"
import type { MemoryId } from "../../domain/memory/memory.js"

export class AnswerFailed extends Schema.TaggedError<AnswerFailed>()("AnswerFailed", { message: Schema.String }) {}

export interface Passage {
  readonly memoryId: MemoryId
  readonly text: string
  readonly score: number
}

export interface Citation {
  readonly memoryId: MemoryId
  /** The words of the memory the answer rests on. */
  readonly snippet: string
  readonly score: number
}

export interface Answer {
  readonly answer: string
  /** Empty when nothing relevant was found: then the answer says so, and invents nothing. */
  readonly citations: ReadonlyArray<Citation>
}

/** Answers a question from retrieved passages only, citing the ones it used. */
export class AnswerGenerator extends Context.Service<AnswerGenerator, {
  readonly answer: (question: string, passages: ReadonlyArray<Passage>) => Effect.Effect<Answer, AnswerFailed>
}>()("AnswerGenerator") {}

export const NOTHING_FOUND = "I found nothing in your memories that answers this."
