// Stripe webhook handling through the real server: throughput and latency with duplicate deliveries.
// Usage: npx tsx bench/webhooks.ts [--orders N] [--duplicates PCT] [--concurrency C] [--postgres URL]
//   default: 1,000 orders, 20% of all deliveries are repeats of an event already sent, 10 at a time,
//   on the embedded profile (PGlite in a temp folder). --postgres URL: a fresh database on that
//   server (an admin connection that may CREATE DATABASE), dropped at the end.
// Setup goes through the API: a seller's products approved by the admin, buyers' purchases (their
// Checkout Sessions created on a local Stripe stand-in). Each delivery is a checkout.session.completed
// event signed with the webhook secret, as Stripe sends it. At the end it checks that every order is
// paid with exactly one license: repeats must have had no effect.
import * as os from "node:os"
import { performance } from "node:perf_hooks"
import { parseArgs } from "node:util"
import { signedEvent, startFakeStripe, STRIPE_TEST_KEY, STRIPE_WEBHOOK_SECRET, stripeObjects } from "../tests/support/fake-stripe.js"
import { call, expectStatus, login, percentile, pool, verifiedUser } from "./support/clients.js"
import { createBenchDatabase, serverProfileEnv } from "./support/postgres.js"
import { guard, positiveInt, run, startServer } from "./support/server.js"

const { values: args } = parseArgs({ options: { orders: { type: "string" }, duplicates: { type: "string" }, concurrency: { type: "string" }, postgres: { type: "string" } } })
const orders = positiveInt("orders", args.orders, 1000)
const duplicatePct = Number(args.duplicates ?? 20)
const concurrency = positiveInt("concurrency", args.concurrency, 10)
if (!(duplicatePct >= 0 && duplicatePct < 100)) throw new Error("--duplicates must be a percentage from 0 to 99")

const PRODUCTS = 20
const buyers = Math.ceil(orders / PRODUCTS)
const ADMIN = { email: "bench-admin@example.com", password: "bench admin password" }
const PASSWORD = "bench user password 123"


const main = async () => {
  guard(1800)
  const stripe = await startFakeStripe()
  const database = args.postgres === undefined ? undefined : await createBenchDatabase(args.postgres)
  const databaseUrl = database?.url
  try {
    const { base } = await startServer({
      STRIPE_SECRET_KEY: STRIPE_TEST_KEY,
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
      BRAINOPS_ADMIN_EMAIL: ADMIN.email,
      BRAINOPS_ADMIN_PASSWORD: ADMIN.password,
      MAIL_POLL_INTERVAL: "50 millis",
      RATE_LIMIT_API_PER_MINUTE: "10000000",
      RATE_LIMIT_LOGIN_PER_MINUTE: "100000",
      RATE_LIMIT_REGISTER_PER_HOUR: "100000",
      ...(databaseUrl !== undefined ? serverProfileEnv(databaseUrl) : {})
    })
    const market = (path: string) => `${base}/api/v1/marketplace${path}`
    process.stderr.write(`setup: ${PRODUCTS} products, ${buyers} buyers, ${orders} orders...\n`)
    const adminToken = await login(base, ADMIN.email, ADMIN.password)
    const seller = await verifiedUser(base, adminToken, "bench-seller@example.com", PASSWORD)
    const products = await pool(Array.from({ length: PRODUCTS }, (_, i) => i), 4, async (i) => {
      const p = await expectStatus("create product", call(market("/products"), { token: seller, json: { title: `Bench product ${i}`, category: "bench", price: 1000 + i, currency: "usd" } }), 201)
      await expectStatus("upload", call(market(`/products/${p.id}/files?filename=p${i}.zip`), { token: seller, body: "PK bench", headers: { "content-type": "application/zip" } }), 200)
      await expectStatus("submit", call(market(`/products/${p.id}/submit`), { method: "POST", token: seller }), 200)
      await expectStatus("approve", call(market(`/admin/products/${p.id}/approve`), { method: "POST", token: adminToken }), 200)
      return p as { id: string; price: number }
    })
    const buyerTokens = await pool(Array.from({ length: buyers }, (_, i) => i), 4, async (i) => {
      await expectStatus("register buyer", call(`${base}/api/v1/auth/register`, { json: { email: `bench-buyer-${i}@example.com`, password: PASSWORD, name: `Buyer ${i}` } }), 201)
      return login(base, `bench-buyer-${i}@example.com`, PASSWORD)
    })
    const pairs = Array.from({ length: orders }, (_, i) => ({ buyer: buyerTokens[Math.floor(i / PRODUCTS)]!, product: products[i % PRODUCTS]! }))
    const placed = await pool(pairs, 8, async ({ buyer, product }) => {
      const o = await expectStatus("purchase", call(market(`/products/${product.id}/purchase`), { method: "POST", token: buyer }), 201)
      return { id: o.id as string, session: (o.checkout_url as string).split("/").at(-1)!, amount: product.price }
    })

    // Every order's event once, plus repeats of random events, making up duplicatePct of deliveries.
    const events = placed.map((o) => signedEvent("checkout.session.completed", stripeObjects(o.id, o.session, o.amount).completed, { id: `evt_bench_${o.id}` }))
    const repeats = Math.round((orders * duplicatePct) / (100 - duplicatePct))
    const deliveries = [...events, ...Array.from({ length: repeats }, () => events[Math.floor(Math.random() * events.length)]!)]
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!]
    }

    process.stderr.write(`measuring: ${deliveries.length} deliveries (${repeats} repeats), ${concurrency} at a time...\n`)
    const latencies: Array<number> = []
    const statuses = new Map<number, number>()
    let applied = 0
    const started = performance.now()
    await pool(deliveries, concurrency, async (d) => {
      const r = await call(market("/webhooks/stripe"), { body: d.payload, headers: { "content-type": "application/json", "stripe-signature": d.signature } })
      latencies.push(r.ms)
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
      if (r.body?.applied === true) applied++
    })
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)

    // Exactly once: every order paid, one active license per order, `applied` once per event, one
    // sale per order in the seller's ledger and in the products' counters.
    const orderIds = new Set(placed.map((o) => o.id))
    let paid = 0
    let licenses = 0
    const licensesPerOrder = new Map<string, number>()
    for (const token of buyerTokens) {
      const mine = await call(market("/orders?limit=100"), { token })
      paid += (mine.body.items as Array<any>).filter((o) => o.status === "paid" && orderIds.has(o.id)).length
      for (const l of (await call(market("/licenses"), { token })).body.items as Array<any>) {
        if (l.status !== "active") continue
        licenses++
        licensesPerOrder.set(l.order_id, (licensesPerOrder.get(l.order_id) ?? 0) + 1)
      }
    }
    const dashboard = await expectStatus("seller dashboard", call(market("/seller/dashboard"), { token: seller }), 200)
    const ledgerSales = (dashboard.currency_totals as Array<any>).reduce((n, t) => n + t.sales_count, 0)
    let counted = 0
    for (const p of products) counted += (await expectStatus("product", call(market(`/products/${p.id}`), { token: seller }), 200)).sales_count
    const wrongOrders = placed.filter((o) => licensesPerOrder.get(o.id) !== 1)

    const cpus = os.cpus()
    console.log(`Stripe webhook handling, ${args.postgres !== undefined ? "PostgreSQL" : "embedded PGlite"}`)
    console.log(`machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "unknown"}), node ${process.version}`)
    console.log(`deliveries: ${deliveries.length} (${orders} distinct events + ${repeats} repeats = ${((repeats / deliveries.length) * 100).toFixed(1)}% duplicates), concurrency ${concurrency}`)
    console.log(`throughput: ${(deliveries.length / seconds).toFixed(0)} deliveries/s over ${seconds.toFixed(1)} s`)
    console.log(`latency ms: p50 ${percentile(latencies, 50).toFixed(1)}  p95 ${percentile(latencies, 95).toFixed(1)}  p99 ${percentile(latencies, 99).toFixed(1)}  max ${latencies.at(-1)!.toFixed(1)}`)
    console.log(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`)
    console.log(`exactly once: applied=${applied} (expected ${orders}), paid orders=${paid}/${orders}, active licenses=${licenses}/${orders}, orders without exactly one license=${wrongOrders.length}, ledger sales=${ledgerSales}/${orders}, products' sales counters=${counted}/${orders}`)
    if (applied !== orders || paid !== orders || licenses !== orders || wrongOrders.length > 0 || ledgerSales !== orders || counted !== orders) {
      const examples = wrongOrders.slice(0, 5).map((o) => `${o.id}: ${licensesPerOrder.get(o.id) ?? 0} licenses`).join(", ")
      console.error(`\n!!! EXACTLY-ONCE VIOLATED: a webhook was applied more or less than once (${examples || "see the counts above"}): these figures are void !!!\n`)
      throw new Error("exactly-once violated: a webhook was applied more or less than once")
    }
    console.log("exactly once: OK")
  } finally {
    await stripe.close()
    if (args.postgres !== undefined) {
      const { stopServer } = await import("./support/server.js")
      await stopServer()
      await database?.drop()
    }
  }
}

void run(main)
