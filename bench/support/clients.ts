// Small HTTP client helpers for benchmarks that set up data through the API before measuring.
import { performance } from "node:perf_hooks"

export const call = async (url: string, init: { method?: string; token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {}) => {
  const started = performance.now()
  const res = await fetch(url, {
    method: init.method ?? (init.json !== undefined || init.body !== undefined ? "POST" : "GET"),
    headers: {
      ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
      ...(init.token !== undefined ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : init.body !== undefined ? { body: init.body } : {}),
    signal: AbortSignal.timeout(30_000)
  })
  const text = await res.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch { /* not JSON */ }
  return { status: res.status, body, ms: performance.now() - started }
}

export const expectStatus = async (what: string, pending: ReturnType<typeof call>, status: number) => {
  const r = await pending
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`)
  return r.body
}

/** Runs `task` over `items` with at most `concurrency` at a time, keeping the results in order. */
export const pool = async <A, B>(items: ReadonlyArray<A>, concurrency: number, task: (item: A, index: number) => Promise<B>) => {
  const results = new Array<B>(items.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await task(items[i]!, i)
    }
  }))
  return results
}

export const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/** A verified user (through the mailed link, read from the admin outbox) and their access token. */
export const verifiedUser = async (base: string, adminToken: string, email: string, password: string) => {
  await expectStatus(`register ${email}`, call(`${base}/api/v1/auth/register`, { json: { email, password, name: email.split("@")[0] } }), 201)
  let token: string | undefined
  for (let i = 0; i < 100 && token === undefined; i++) {
    const outbox = await call(`${base}/api/v1/admin/outbox?limit=100`, { token: adminToken })
    const mail = (outbox.body.items as Array<any>).find((m) => m.to === email && m.status === "sent")
    token = mail === undefined ? undefined : decodeURIComponent(/\?token=([^\s]+)/.exec(mail.text)?.[1] ?? "")
    if (token === undefined) await new Promise((r) => setTimeout(r, 100))
  }
  if (token === undefined) throw new Error(`no verification mail for ${email}`)
  await expectStatus("verify email", call(`${base}/api/v1/auth/verify-email`, { json: { token } }), 204)
  return login(base, email, password)
}

export const login = async (base: string, email: string, password: string) =>
  (await expectStatus(`login ${email}`, call(`${base}/api/v1/auth/login`, { json: { email, password } }), 200)).access_token as string
