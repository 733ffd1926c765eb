import { createServer, type Server } from "node:http"
import { FetchHttpClient } from "effect/http"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Option, Redacted } from "effect"
import { AnswerGenerator, NOTHING_FOUND, type Passage } from "../../application/ports/answer-generator.js"
import { OpenAiChatAnswers } from "../../adapters/llm/openai-chat.js"
import { MemoryId } from "../../domain/memory/memory.js"

const QUESTION = "When does the passport expire?"
const LONG = `The garden needs water every morning. ${"Roses, tulips and daisies. ".repeat(20)}`
const PASSAGES: ReadonlyArray<Passage> = [
  { memoryId: MemoryId.make("018f0000-0000-7000-8000-000000000001"), text: "The passport expires in March 2031.", score: 0.91 },
  { memoryId: MemoryId.make("018f0000-0000-7000-8000-000000000002"), text: LONG, score: 0.55 },
  { memoryId: MemoryId.make("018f0000-0000-7000-8000-000000000003"), text: "Renew the passport six months before a trip.", score: 0.72 }
]

interface Canned {
  readonly status: number
  readonly body: string
}

const reply = (content: string | null): Canned => ({
  status: 200,
  body: JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] })
})

/** What a request from the adapter must look like; the endpoint answers 400 with the problems otherwise. */
const problemsOf = (path: string | undefined, authorization: string | undefined, raw: string) => {
  const problems: Array<string> = []
  if (path !== "/v1/chat/completions") problems.push(`path ${path}`)
  if (authorization !== "Bearer sk-test") problems.push(`authorization ${authorization}`)
  const body = JSON.parse(raw) as {
    model?: unknown
    temperature?: unknown
    max_tokens?: unknown
    messages?: Array<{ role: string; content: string }>
  }
  if (body.model !== "chat-test") problems.push(`model ${String(body.model)}`)
  if (body.temperature !== 0) problems.push(`temperature ${String(body.temperature)}`)
  if (body.max_tokens !== 256) problems.push(`max_tokens ${String(body.max_tokens)}`)
  const [system, user] = body.messages ?? []
  if (body.messages?.length !== 2 || system?.role !== "system" || user?.role !== "user") problems.push("messages are not [system, user]")
  if (!system?.content.includes("NOT_FOUND") || !/only/i.test(system.content)) problems.push("system message lacks the rules")
  PASSAGES.forEach((p, i) => {
    if (!user?.content.includes(`[${i + 1}] ${p.text.trim()}`)) problems.push(`passage ${i + 1} is not numbered in the user message`)
  })
  if (!user?.content.includes(QUESTION)) problems.push("the question is missing")
  return problems
}

/** A local OpenAI-compatible /chat/completions endpoint on loopback, answering canned replies in turn. */
const fakeEndpoint = (...replies: Array<Canned>) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const state = { requests: 0, problems: [] as Array<string>, replies }
      const server: Server = createServer((req, res) => {
        let body = ""
        req.on("data", (c) => (body += c))
        req.on("end", () => {
          state.requests++
          const problems = problemsOf(req.url, req.headers.authorization, body)
          state.problems.push(...problems)
          if (problems.length > 0) {
            res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: problems }))
            return
          }
          const next = state.replies.shift() ?? { status: 500, body: "no canned reply left" }
          res.writeHead(next.status, { "content-type": "application/json" }).end(next.body)
        })
      })
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
      const port = (server.address() as { port: number }).port
      return { server, state, url: `http://127.0.0.1:${port}/v1/` }
    }),
    ({ server }) => Effect.promise(() => new Promise<void>((r) => server.close(() => r())))
  )

const chat = (url: string) =>
  OpenAiChatAnswers({ url, model: "chat-test", apiKey: Option.some(Redacted.make("sk-test")), timeout: "5 seconds", maxTokens: 256 }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )

const ask = (url: string, passages: ReadonlyArray<Passage> = PASSAGES) =>
  Effect.flatMap(AnswerGenerator, (g) => g.answer(QUESTION, passages)).pipe(Effect.provide(chat(url)))

const nothing = { answer: NOTHING_FOUND, citations: [] }

describe("OpenAI-compatible chat answers (against a local endpoint)", () => {
  it.live("returns the answer with the cited passages only, in order of first use, renumbered", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint(reply("It expires in March 2031 [1]; renew it six months before a trip [3]. See also [1]."))
      const answer = yield* ask(endpoint.url)
      expect(endpoint.state.problems).toEqual([])
      expect(endpoint.state.requests).toBe(1)
      expect(answer.answer).toBe("It expires in March 2031 [1]; renew it six months before a trip [2]. See also [1].")
      expect(answer.citations).toEqual([
        { memoryId: PASSAGES[0]!.memoryId, snippet: "The passport expires in March 2031.", score: 0.91 },
        { memoryId: PASSAGES[2]!.memoryId, snippet: "Renew the passport six months before a trip.", score: 0.72 }
      ])
    }))

  it.live("cuts a long passage's snippet to 300 characters", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint(reply("Water the garden every morning [2, 3]."))
      const answer = yield* ask(endpoint.url)
      expect(endpoint.state.problems).toEqual([])
      expect(answer.answer).toBe("Water the garden every morning [1][2].")
      const snippet = answer.citations[0]!.snippet
      expect(snippet.length).toBeLessThanOrEqual(300)
      expect(snippet.endsWith("…")).toBe(true)
      expect(LONG.startsWith(snippet.slice(0, -1))).toBe(true)
    }))

  it.live.each(["NOT_FOUND", "  not_found.\n", "Not found!", "NOT_FOUND [1]"])("a %j reply is nothing found, citing nothing", (text) =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint(reply(text))
      expect(yield* ask(endpoint.url)).toEqual(nothing)
      expect(endpoint.state.problems).toEqual([])
    }))

  it.live("an answer citing no passage is not returned: nothing found, and a warning is logged", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint(reply("The passport expires in March 2031."))
      const logged: Array<unknown> = []
      const answer = yield* ask(endpoint.url).pipe(
        Effect.provide(Logger.layer([Logger.make(({ logLevel, message }) => logged.push([logLevel, message]))]))
      )
      expect(answer).toEqual(nothing)
      expect(logged).toEqual([["Warn", ["chat model answered without citing a passage; answering nothing found"]]])
    }))

  it.live("ignores markers naming no passage ([0], [9]); citing only those is nothing found", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint(reply("It expires in March 2031 [9] [1]."), reply("It expires in March 2031 [9][0]."))
      const answer = yield* ask(endpoint.url)
      expect(answer.answer).toBe("It expires in March 2031 [1].")
      expect(answer.citations.map((c) => c.memoryId)).toEqual([PASSAGES[0]!.memoryId])
      expect(yield* ask(endpoint.url)).toEqual(nothing)
    }))

  it.live("with no passages, answers nothing found without calling the endpoint", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint(reply("Invented [1]."))
      expect(yield* ask(endpoint.url, [])).toEqual(nothing)
      expect(endpoint.state.requests).toBe(0)
    }))

  it.live("retries a transient failure (500, 429) and succeeds", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint({ status: 500, body: "oops" }, { status: 429, body: "slow down" }, reply("March 2031 [1]."))
      const answer = yield* ask(endpoint.url)
      expect(answer.citations.map((c) => c.memoryId)).toEqual([PASSAGES[0]!.memoryId])
      expect(endpoint.state.requests).toBe(3)
      expect(endpoint.state.problems).toEqual([])
    }))

  it.live("a persistent 500 is AnswerFailed after 3 retries, without the key in the message", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint(...Array.from({ length: 4 }, () => ({ status: 500, body: "down" })))
      const error = yield* Effect.flip(ask(endpoint.url))
      expect(endpoint.state.problems).toEqual([])
      expect(error._tag).toBe("AnswerFailed")
      expect(error.message).toContain("500")
      expect(error.message).not.toContain("sk-test")
      expect(endpoint.state.requests).toBe(4)
    }))

  it.live.each([
    ["not JSON", { status: 200, body: "<html>gateway</html>" }],
    ["JSON of another shape", { status: 200, body: JSON.stringify({ choices: [] }) }],
    ["an empty reply", reply(null)]
  ] as const)("a body that is %s is AnswerFailed, not retried", ([, canned]) =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint(canned)
      const error = yield* Effect.flip(ask(endpoint.url))
      expect(endpoint.state.problems).toEqual([])
      expect(error._tag).toBe("AnswerFailed")
      expect(error.message).toMatch(/^chat endpoint /)
      expect(endpoint.state.requests).toBe(1)
    }))

  it.live("a refused request (400) and a dead endpoint are AnswerFailed", () =>
    Effect.gen(function*() {
      const endpoint = yield* fakeEndpoint({ status: 400, body: "{\"error\":\"bad model\"}" })
      const refused = yield* Effect.flip(ask(endpoint.url))
      expect(endpoint.state.problems).toEqual([])
      expect(refused.message).toContain("400")
      expect(endpoint.state.requests).toBe(1)
      const dead = yield* Effect.flip(ask("http://127.0.0.1:9/v1"))
      expect(dead._tag).toBe("AnswerFailed")
    }))
})
