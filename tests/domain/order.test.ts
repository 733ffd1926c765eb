import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { applyPaymentEvent, type Consequence, type OrderStatus, type PaymentEvent, platformFee } from "../../domain/marketplace/order.js"

/** Runs events from pending; answers the end status and the net of each consequence (grants minus revokes…). */
const run = (events: ReadonlyArray<PaymentEvent>) => {
  let status: OrderStatus = "pending"
  const counts: Record<Consequence, number> = { grant: 0, revoke: 0, record_sale: 0, record_reversal: 0 }
  for (const event of events) {
    const next = applyPaymentEvent(status, event)
    status = next.status
    for (const c of next.consequences) counts[c]++
  }
  return { status, access: counts.grant - counts.revoke, sales: counts.record_sale, reversals: counts.record_reversal }
}

const event = fc.constantFrom<PaymentEvent>({ _tag: "Paid" }, { _tag: "Expired" }, { _tag: "Refunded" })

describe("order payment state machine", () => {
  it("the clean sequences", () => {
    expect(run([{ _tag: "Paid" }])).toEqual({ status: "paid", access: 1, sales: 1, reversals: 0 })
    expect(run([{ _tag: "Paid" }, { _tag: "Refunded" }])).toEqual({ status: "refunded", access: 0, sales: 1, reversals: 1 })
    expect(run([{ _tag: "Expired" }])).toEqual({ status: "expired", access: 0, sales: 0, reversals: 0 })
  })

  it("duplicates and reorderings of any events end as the clean sequence of the same events does", () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 12, maxLength: 12 }), fc.integer(), (events, copies, seed) => {
        // The clean sequence: each distinct event once, in the provider's natural order.
        const distinct = new Set(events.map((e) => e._tag))
        const clean = (["Expired", "Paid", "Refunded"] as const).filter((t) => distinct.has(t)).map((_tag) => ({ _tag }))
        // Every event delivered one to three times, in a shuffled order (Fisher–Yates on a seeded LCG).
        const rng = events.flatMap((e, i) => Array.from({ length: copies[i]! }, () => e))
        let state = seed >>> 0
        for (let i = rng.length - 1; i > 0; i--) {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0
          const j = state % (i + 1)
          ;[rng[i], rng[j]] = [rng[j]!, rng[i]!]
        }
        const messy = run(rng)
        expect(messy).toEqual(run(clean))
        expect(messy.access).toBeGreaterThanOrEqual(0)
        expect(messy.access).toBeLessThanOrEqual(1)
      }),
      { numRuns: 500 }
    )
  })

  it("the platform fee rounds half up, and fee plus net is the gross", () => {
    expect(platformFee(1999, 10)).toBe(200)
    expect(platformFee(1005, 10)).toBe(101)
    expect(platformFee(0, 10)).toBe(0)
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100 }), (gross, pct) => {
      const fee = platformFee(gross, pct)
      expect(fee).toBeGreaterThanOrEqual(0)
      expect(fee).toBeLessThanOrEqual(gross)
    }))
  })
})
