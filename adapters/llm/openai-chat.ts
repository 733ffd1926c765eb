import { HttpClientRequest, HttpClientResponse } from "effect/http"
import { type Duration, Effect, Layer, type Option, type Redacted, Schema } from "effect"
import {
  type Answer,
  AnswerFailed,
  AnswerGenerator,
  type Citation,
  NOTHING_FOUND,
  type Passage
} from "../../application/ports/answer-generator.js"
import { openAiClient } from "../openai/client.js"

export interface OpenAiChatAnswersOptions {
  /** Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 (…/chat/completions is appended). */
  readonly url: string
  readonly model: string
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly timeout: Duration.Input
  readonly maxTokens: number
}

/** What the model must reply, alone, when the passages do not hold the answer. */
export const NOT_FOUND_REPLY = "NOT_FOUND"
const SNIPPET_LENGTH = 300

const SYSTEM_PROMPT = [
  "You answer questions using ONLY the numbered context passages given by the user; never use other knowledge.",
  "Cite every passage you use with its number in square brackets, e.g. [1] or [2][3], right after the statement it supports.",
  `If the context does not contain the answer, reply exactly ${NOT_FOUND_REPLY} and nothing else.`
].join("\n")

const ChatCompletion = Schema.Struct({
  choices: Schema.NonEmptyArray(Schema.Struct({ message: Schema.Struct({ content: Schema.NullOr(Schema.String) }) }))
})

const userPrompt = (question: string, passages: ReadonlyArray<Passage>) =>
  `Context:\n\n${passages.map((p, i) => `[${i + 1}] ${p.text.trim()}`).join("\n\n")}\n\nQuestion: ${question}`

const MARKERS = /(\s*)\[(\d+(?:\s*,\s*\d+)*)\]/g

/** NOT_FOUND give or take case, punctuation and a stray marker. */
const isNotFound = (reply: string) => /^\W*not[\s_-]?found\W*$/i.test(reply.replace(MARKERS, "").trim())

const snippetOf = (text: string) => {
  const trimmed = text.trim()
  return trimmed.length <= SNIPPET_LENGTH ? trimmed : `${trimmed.slice(0, SNIPPET_LENGTH - 1).trimEnd()}…`
}

/**
 * The markers the reply uses ([1], [2, 3]) become citations in order of first use, and are renumbered
 * so that [k] in the answer is the k-th citation, as in the extractive answers. Markers naming no
 * passage are dropped: an answer must not point at a source it was not given.
 */
const cite = (reply: string, passages: ReadonlyArray<Passage>): Answer => {
  const citations: Array<Citation> = []
  const position = new Map<Passage["memoryId"], number>()
  const answer = reply.replace(MARKERS, (_, space: string, list: string) => {
    const markers = list.split(",").flatMap((raw) => {
      const passage = passages[Number(raw.trim()) - 1]
      if (passage === undefined) return []
      let k = position.get(passage.memoryId)
      if (k === undefined) {
        citations.push({ memoryId: passage.memoryId, snippet: snippetOf(passage.text), score: passage.score })
        k = citations.length
        position.set(passage.memoryId, k)
      }
      return [`[${k}]`]
    })
    return markers.length === 0 ? "" : space + markers.join("")
  })
  return { answer: answer.trim(), citations }
}

/**
 * The server profile's answers: an OpenAI-compatible chat model (POST {url}/chat/completions, temperature
 * 0) writes the answer from the numbered passages, through the platform HttpClient, each request under a
 * timeout and retried on transient failures (network errors, 429 and 5xx) with backoff. An answer that
 * cites no passage is not returned: what cannot be grounded counts as nothing found.
 */
export const OpenAiChatAnswers = (options: OpenAiChatAnswersOptions) =>
  Layer.effect(
    AnswerGenerator,
    Effect.gen(function*() {
      const client = yield* openAiClient(options)
      const url = `${options.url.replace(/\/+$/, "")}/chat/completions`
      const complete = (question: string, passages: ReadonlyArray<Passage>) =>
        client.execute(
          HttpClientRequest.post(url).pipe(
            HttpClientRequest.bodyJsonUnsafe({
              model: options.model,
              temperature: 0,
              max_tokens: options.maxTokens,
              messages: [
                { role: "system", content: SYSTEM_PROMPT },
                { role: "user", content: userPrompt(question, passages) }
              ]
            })
          )
        ).pipe(
          // The body is read under the timeout too: a model may stream it slowly after the headers.
          Effect.flatMap((response) => HttpClientResponse.schemaBodyJson(ChatCompletion)(response).pipe(Effect.timeout(options.timeout))),
          Effect.mapError((error) => new AnswerFailed({ message: `chat endpoint failed: ${error._tag}: ${error.message}` })),
          Effect.flatMap((body) => {
            const content = body.choices[0].message.content
            return content === null || content.trim().length === 0
              ? Effect.fail(new AnswerFailed({ message: "chat endpoint returned an empty reply" }))
              : Effect.succeed(content)
          })
        )
      return AnswerGenerator.of({
        answer: Effect.fn("OpenAiChatAnswers.answer")(function*(question, passages) {
          if (passages.length === 0) return { answer: NOTHING_FOUND, citations: [] }
          const reply = yield* complete(question, passages)
          if (isNotFound(reply)) return { answer: NOTHING_FOUND, citations: [] }
          const answer = cite(reply, passages)
          if (answer.citations.length === 0) {
            // The reply itself is not logged: it repeats the user's memories.
            yield* Effect.logWarning("chat model answered without citing a passage; answering nothing found").pipe(
              Effect.annotateLogs({ model: options.model, passages: passages.length, replyLength: reply.length })
            )
            return { answer: NOTHING_FOUND, citations: [] }
          }
          return answer
        })
      })
    })
  )
