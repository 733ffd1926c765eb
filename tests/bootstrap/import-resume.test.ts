import * as fs from "node:fs"
import { afterAll, expect, it } from "vitest"
import { startFakeEmbeddings } from "../support/fake-embeddings.js"
import { freePort, killTree, type Spawned, spawnEntry, waitForHealth, within } from "../support/process.js"
import { scratchDir } from "../support/scratch.js"

/**
 * The resumable import, with a real crash: the server process (embedded profile, worker inside) is
 * killed with SIGKILL in the middle of a 50,000-record import and started again on the same data
 * folder; the job is taken over when its lease runs out, resumes after its last committed batch, and
 * ends with every good record imported exactly once.
 *
 * Embeddings come from an OpenAI-compatible endpoint served by this test (16-dimensional vectors
 * from the words' hashes): the server uses its real HTTP embedder, and 50,000 records take seconds
 * to embed instead of the local model's minutes.
 */

const dataDir = scratchDir("resume-")
const running: Array<Spawned> = []
let embeddings: { readonly close: () => void } | undefined
afterAll(() => {
  for (const p of running) killTree(p)
  embeddings?.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const DIMS = 16

const start = async (embeddingsUrl: string) => {
  const port = await freePort()
  const server = spawnEntry("server", [], {
    PORT: String(port),
    HOST: "127.0.0.1",
    BRAINOPS_DATA_DIR: dataDir,
    EMBEDDINGS_URL: embeddingsUrl,
    EMBEDDINGS_MODEL: "test-hash-16",
    EMBEDDINGS_DIMENSIONS: String(DIMS),
    // Long enough that heartbeats queued behind import batches on a loaded machine still renew it.
    JOB_LEASE: "10 seconds",
    JOB_POLL_INTERVAL: "200 millis",
    MAX_UPLOAD_BYTES: String(64 * 1024 * 1024),
    RATE_LIMIT_API_PER_MINUTE: "100000"
  })
  running.push(server)
  await waitForHealth(port, 90_000).catch((error) => {
    throw new Error(`${error}\n${server.output().slice(-3000)}`)
  })
  return { server, url: (p: string) => `http://127.0.0.1:${port}${p}` }
}

const json = async (response: Response) => ({ status: response.status, body: await response.json() as any })

it("an import killed mid-way with SIGKILL resumes after restart and imports every good record exactly once", async () => {
  const fake = await startFakeEmbeddings(DIMS)
  embeddings = fake
  const embeddingsUrl = fake.url
  let { server, url } = await start(embeddingsUrl)
  const credentials = { email: "importer@example.com", password: "an importer password" }
  expect((await fetch(url("/api/v1/auth/register"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...credentials, name: "Imp" }) })).status).toBe(201)
  const login = async () =>
    (await json(await fetch(url("/api/v1/auth/login"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(credentials) }))).body.access_token as string
  let token = await login()

  // 50,000 lines: 48,000 distinct good records, 1,000 repeats of earlier external ids, 1,000 bad lines.
  const lines: Array<string> = []
  for (let i = 0; i < 50_000; i++) {
    if (i % 50 === 7) lines.push(i % 100 === 7 ? "{ not json" : JSON.stringify({ title: "no content" }))
    else if (i % 50 === 13) lines.push(JSON.stringify({ content: `repeat of ${i - 13}`, external_id: `r-${i - 13}` }))
    else lines.push(JSON.stringify({ content: `Record ${i}: the ${["red", "green", "blue", "amber"][i % 4]} note about topic ${i % 97}.`, external_id: `r-${i}`, tags: [`t${i % 5}`] }))
  }
  const expected = 48_000
  const accepted = await json(await fetch(url("/api/v1/memories/import"), {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${token}` },
    body: lines.join("\n")
  }))
  expect(accepted.status).toBe(202)
  const jobUrl = () => url(`/api/v1/jobs/${accepted.body.job_id}`)
  const job = async () => (await json(await fetch(jobUrl(), { headers: { authorization: `Bearer ${token}` } }))).body

  // Kill the process once a good part is done, in the middle of the work.
  const deadline = Date.now() + 120_000
  let before = await job()
  while (before.progress.done < 8_000 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    before = await job()
  }
  expect(before.status).toBe("running")
  killTree(server)
  await within(server.exited, 10_000, "the killed server")

  ;({ server, url } = await start(embeddingsUrl))
  token = await login()
  let after = await job()
  const end = Date.now() + 300_000
  while (!["succeeded", "failed", "cancelled"].includes(after.status) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 500))
    after = await job()
  }
  expect(after.status).toBe("succeeded")
  expect(after.attempts).toBe(2)
  expect(after.result).toEqual({ total: 50_000, imported: expected, duplicates: 1_000, invalid: 1_000 })
  expect(after.error_count).toBe(1_000)
  const analytics = (await json(await fetch(url("/api/v1/memories/analytics"), { headers: { authorization: `Bearer ${token}` } }))).body
  expect(analytics.totals.memories).toBe(expected)
  const found = (await json(await fetch(url("/api/v1/memories/search"), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "Record 49999", mode: "keyword", limit: 3 })
  }))).body
  expect(found.results[0].memory.content).toContain("Record 49999:")
}, 480_000)
