// A stand-in for adapters/embeddings/embed-worker.mjs with the same protocol, for pool tests: it
// holds its thread (as the model does) for the milliseconds a text "block:<ms>" asks, dies on a
// text "crash", and answers 512-dimension vectors from the texts' characters.
import { parentPort } from "node:worker_threads"

const port = parentPort
port.postMessage({ type: "ready" })
port.on("message", ({ id, texts }) => {
  if (texts.includes("crash")) process.exit(3)
  for (const text of texts) {
    const ms = /^block:(\d+)$/.exec(text)?.[1]
    if (ms !== undefined) {
      const until = Date.now() + Number(ms)
      while (Date.now() < until) {
        // busy, like a model on the CPU
      }
    }
  }
  const vectors = texts.map((text) => Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : (text.charCodeAt(i % Math.max(1, text.length)) || 0) / 1000)))
  port.postMessage({ type: "result", id, vectors })
})
