import * as http from "node:http"
import { freePort } from "./process.js"

/**
 * An OpenAI-compatible /embeddings endpoint for process tests: small vectors from the words' hashes,
 * so a server under test uses its real HTTP embedder and thousands of records embed in seconds.
 */
export const startFakeEmbeddings = async (dimensions: number) => {
  const vectorOf = (text: string) => {
    const v = Array.from({ length: dimensions }, () => 0)
    for (const word of text.toLowerCase().match(/\w+/g) ?? []) {
      let h = 2166136261
      for (const c of word) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
      v[(h >>> 0) % dimensions]! += 1
    }
    return v.some((x) => x !== 0) ? v : [1, ...v.slice(1)]
  }
  const port = await freePort()
  const server = http.createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += c))
    req.on("end", () => {
      const { input } = JSON.parse(body) as { input: Array<string> }
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ data: input.map((text, index) => ({ index, embedding: vectorOf(text) })) }))
    })
  })
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve))
  return { url: `http://127.0.0.1:${port}`, close: () => void server.close() }
}
