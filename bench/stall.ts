// Does one request stall everyone? The server on the embedded profile (the local model in its worker
// pool), measured idle, then while the pool is saturated by large writes (90,000-character POST
// /memories) and imports (200 records of ~900 characters), both repeated: p50/p99 of GET /health, a
// login, and a read (GET /memories?limit=20), with autocannon.
// Usage: npm run bench:stall -- [--duration S] [--writers N] [--importers N]
import { parseArgs } from "node:util"
import { call, expectStatus, login } from "./support/clients.js"
import { autocannon, type AutocannonResult, guard, positiveInt, run, sleep, startServer, warnIfFailed } from "./support/server.js"

const { values: args } = parseArgs({ options: { duration: { type: "string" }, writers: { type: "string" }, importers: { type: "string" } } })
const duration = positiveInt("duration", args.duration ?? process.env["BENCH_DURATION"], 10)
const writers = positiveInt("writers", args.writers, 2)
const importers = positiveInt("importers", args.importers, 1)

const WORDS = "the quarterly report shows revenue growth while the team plans the next release of the memory service and its search".split(" ")
/** Prose with sentences, as a long note would be. */
const prose = (chars: number, seed: number) => {
  let s = ""
  for (let i = seed; s.length < chars; i++) s += WORDS[(i * 7) % WORDS.length] + ((i % 13 === 12) ? ". " : " ")
  return s.slice(0, chars)
}
const LARGE = prose(90_000, 1)
const importBody = (round: number) =>
  Array.from({ length: 200 }, (_, i) => JSON.stringify({ content: `${round}-${i} ${prose(900, i + round)}`, external_id: `r${round}-${i}` })).join("\n")

const table = (rows: ReadonlyArray<readonly [string, AutocannonResult]>) => {
  const header = ["endpoint / phase", "req/s", "p50 ms", "p99 ms", "max ms", "requests", "non-2xx", "errors"]
  const lines = rows.map(([name, r]) => [
    name,
    r.requests.average.toFixed(1),
    String(r.latency.p50),
    String(r.latency.p99),
    String((r.latency as unknown as { max: number }).max),
    String(r.requests.total),
    String(r.non2xx),
    String(r.errors + r.timeouts)
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)))
  const fmt = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")
  for (const l of [header, widths.map((w) => "-".repeat(w)), ...lines]) console.log(fmt(l))
}

const main = async () => {
  // One address and few accounts: lift the per-address and per-user limits, keep the embedding queue's.
  const { base } = await startServer({
    RATE_LIMIT_LOGIN_PER_MINUTE: "1000000",
    RATE_LIMIT_API_PER_MINUTE: "1000000",
    RATE_LIMIT_REGISTER_PER_HOUR: "1000000",
    RATE_LIMIT_JOBS_PER_HOUR: "1000000",
    LOCKOUT_THRESHOLD: "1000000",
    MAX_UPLOAD_BYTES: String(16 * 1024 * 1024)
  })
  const password = "bench-password-123"
  const reader = { email: "reader@example.com", password }
  await expectStatus("register reader", call(`${base}/api/v1/auth/register`, { json: { ...reader, name: "Reader" } }), 201)
  const readerToken = await login(base, reader.email, password)
  for (let i = 0; i < 20; i++) {
    await expectStatus("seed", call(`${base}/api/v1/memories`, { token: readerToken, json: { content: prose(300, i) } }), 201)
  }
  const loaders = await Promise.all(Array.from({ length: writers + importers }, async (_, i) => {
    const email = `loader-${i}@example.com`
    await expectStatus("register loader", call(`${base}/api/v1/auth/register`, { json: { email, password, name: "Loader" } }), 201)
    return login(base, email, password)
  }))

  const health = { url: `${base}/health`, connections: 1, pipelining: 1 } as const
  const loginRun = {
    url: `${base}/api/v1/auth/login`,
    connections: 1,
    pipelining: 1,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(reader)
  } as const
  const read = { url: `${base}/api/v1/memories?limit=20`, connections: 1, pipelining: 1, headers: { authorization: `Bearer ${readerToken}` } } as const
  const measure = (phase: string) =>
    Promise.all([
      autocannon({ ...health, duration }),
      autocannon({ ...loginRun, duration }),
      autocannon({ ...read, duration })
    ]).then(([h, l, r]) => {
      for (const [name, result] of [["/health", h], ["login", l], ["read", r]] as const) warnIfFailed(`${name} ${phase}`, result)
      return { h, l, r }
    })

  process.stderr.write(`idle: /health, login and read together for ${duration} s...\n`)
  const idle = await measure("idle")

  // The load: each writer posts 90,000 characters again and again; each importer imports 200 records
  // and waits for its job, again and again.
  let stopping = false
  const outcomes = { inFlight: 0, writes: new Map<number, number>(), writeMs: [] as Array<number>, imports: 0, importsRefused: 0, importedRecords: 0 }
  const countWrite = (status: number) => outcomes.writes.set(status, (outcomes.writes.get(status) ?? 0) + 1)
  const writer = async (token: string) => {
    while (!stopping) {
      // No client timeout: on a loaded machine one 90,000-character memory takes tens of seconds to embed.
      outcomes.inFlight++
      const started = performance.now()
      const status = await fetch(`${base}/api/v1/memories`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ content: LARGE })
      }).then(async (res) => (await res.text(), res.status), () => 0)
      outcomes.inFlight--
      countWrite(status)
      if (status === 201) outcomes.writeMs.push(performance.now() - started)
      if (status === 503) await sleep(250)
    }
  }
  const importer = async (token: string, n: number) => {
    for (let round = 0; !stopping; round++) {
      const started = await call(`${base}/api/v1/memories/import`, {
        token,
        body: importBody(n * 1000 + round),
        headers: { "content-type": "application/x-ndjson" }
      })
      if (started.status !== 202) {
        outcomes.importsRefused++
        await sleep(500)
        continue
      }
      outcomes.imports++
      for (;;) {
        const job = await call(`${base}/api/v1/jobs/${started.body.job_id}`, { token })
        if (["succeeded", "failed", "cancelled"].includes(job.body.status)) {
          outcomes.importedRecords += job.body.result?.imported ?? 0
          break
        }
        if (stopping) break
        await sleep(250)
      }
    }
  }
  const load = [
    ...loaders.slice(0, writers).map((token) => writer(token)),
    ...loaders.slice(writers).map((token, i) => importer(token, i))
  ]
  process.stderr.write(`saturating: ${writers} writer(s) of 90,000 characters, ${importers} importer(s) of 200 records; warming up 5 s...\n`)
  await sleep(5000)
  process.stderr.write(`saturated: /health, login and read together for ${duration} s...\n`)
  const busy = await measure("saturated")
  stopping = true
  // Not awaited: the writes in flight end with the server.
  void Promise.allSettled(load)

  console.log(`\nbench:stall — embedded profile, ${duration} s per phase, 1 connection per endpoint, machine with ${(await import("node:os")).availableParallelism()} cores`)
  table([
    ["/health idle", idle.h],
    ["/health saturated", busy.h],
    ["login idle", idle.l],
    ["login saturated", busy.l],
    ["read idle", idle.r],
    ["read saturated", busy.r]
  ])
  const ms = [...outcomes.writeMs].sort((a, b) => a - b)
  console.log(
    `load during warm-up and measure: large writes answered ${JSON.stringify(Object.fromEntries(outcomes.writes))} (status: count; ` +
      `201 median ${ms.length ? Math.round(ms[Math.floor(ms.length / 2)]!) : "-"} ms), ${outcomes.inFlight} still in flight; imports started ${outcomes.imports} ` +
      `(refused ${outcomes.importsRefused}), records imported ${outcomes.importedRecords}`
  )
  console.log("(latency has 1 ms resolution; errors include timeouts; 503 on a large write = embedding queue full, with Retry-After)")
}

guard(600)
void run(main)
