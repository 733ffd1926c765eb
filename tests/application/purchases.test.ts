import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Either, Layer, Option } from "effect"
import { applyPayment, downloadLink, getOrder, markPaid, myLicenses, purchase } from "../../application/marketplace/orders.js"
import { MarketplaceSettings, OrderRepository } from "../../application/ports/orders.js"
import { ProductRepository } from "../../application/ports/product-repository.js"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { OrderRepositoryMemory } from "../../adapters/in-memory/orders.memory.js"
import { ProductRepositoryMemory } from "../../adapters/in-memory/product-repository.memory.js"
import { ManualPayments } from "../../adapters/payments/manual.js"
import type { Actor } from "../../domain/identity/actor.js"
import { Product, ProductId } from "../../domain/marketplace/product.js"
import { person } from "../support/projects-helpers.js"
import { UseCaseLayer } from "../support/identity-helpers.js"

const Market = Layer.mergeAll(OrderRepositoryMemory, ManualPayments, FileStoreMemory, Layer.succeed(MarketplaceSettings, { feePercent: 10 })).pipe(
  Layer.provideMerge(ProductRepositoryMemory),
  Layer.provideMerge(UseCaseLayer)
)
const admin = (actor: Actor): Actor => ({ ...actor, role: "admin" })
const tagOf = <A, E extends { _tag: string }, R>(e: Effect.Effect<A, E, R>) => Effect.map(Effect.either(e), Either.match({ onLeft: (x) => x._tag, onRight: () => "ok" }))

const approvedProduct = (sellerId: Actor["userId"], price = 1999) =>
  Effect.gen(function*() {
    const id = ProductId.make(crypto.randomUUID())
    const now = yield* DateTime.now
    const product = new Product({
      id, sellerId, title: "Budget template", slug: `budget-${id}`, description: "", category: "templates", tags: [], price, currency: "usd",
      licenseActivationLimit: 3, status: "approved", rejectionReason: Option.none(),
      file: Option.some({ key: `products/${id}/f`, name: "budget.xlsx", size: 10, contentType: "text/csv" }),
      ratingAverage: 0, ratingCount: 0, salesCount: 0,
      createdAt: now, updatedAt: now
    })
    yield* (yield* ProductRepository).insert(product)
    return product
  })

describe("purchases with the manual provider", () => {
  it.effect("purchase → pending; mark-paid → paid, a license, the ledger's sale; repeats change nothing; a refund revokes and reverses", () =>
    Effect.gen(function*() {
      const seller = yield* person("seller")
      const buyer = yield* person("buyer")
      const ops = yield* person("ops")
      const product = yield* approvedProduct(seller.actor.userId)

      const order = yield* purchase(buyer.actor, product.id)
      expect([order.status, order.amount, order.provider, Option.getOrNull(order.providerRef)]).toEqual(["pending", 1999, "manual", `manual:${order.id}`])
      expect((yield* purchase(buyer.actor, product.id)).id).toBe(order.id)
      expect(yield* tagOf(downloadLink(buyer.actor, order.id))).toBe("Forbidden")
      expect(yield* tagOf(markPaid(buyer.actor, order.id))).toBe("Forbidden")

      const paid = yield* markPaid(admin(ops.actor), order.id)
      expect(paid.status).toBe("paid")
      yield* markPaid(admin(ops.actor), order.id)
      const licenses = yield* myLicenses(buyer.actor)
      expect(licenses.map((l) => [l.status, l.activationLimit])).toEqual([["active", 3]])
      expect(licenses[0]!.key).toMatch(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){4}$/)
      const ledger = yield* (yield* OrderRepository).ledgerOf(seller.actor.userId)
      expect(ledger.map((e) => [e.kind, e.gross, e.fee, e.net])).toEqual([["sale", 1999, 200, 1799]])
      expect(Option.map(yield* (yield* ProductRepository).findById(product.id), (p) => p.salesCount)).toEqual(Option.some(1))
      expect((yield* downloadLink(buyer.actor, order.id)).url).toBe(`memory://products/${product.id}/f`)
      expect(yield* tagOf(purchase(buyer.actor, product.id))).toBe("PurchaseRefused")
      expect(yield* tagOf(purchase(seller.actor, product.id))).toBe("PurchaseRefused")
      expect(yield* tagOf(getOrder(seller.actor, order.id))).toBe("NotFound")

      // A refund event (as Stripe's charge.refunded will bring), delivered twice.
      yield* applyPayment("evt_refund_1", order.id, { _tag: "Refunded" })
      yield* applyPayment("evt_refund_1", order.id, { _tag: "Refunded" })
      expect((yield* getOrder(buyer.actor, order.id)).status).toBe("refunded")
      expect((yield* myLicenses(buyer.actor)).map((l) => l.status)).toEqual(["revoked"])
      const after = yield* (yield* OrderRepository).ledgerOf(seller.actor.userId)
      expect(after.map((e) => [e.kind, e.net])).toEqual([["sale", 1799], ["reversal", -1799]])
      expect(yield* tagOf(downloadLink(buyer.actor, order.id))).toBe("Forbidden")
    }).pipe(Effect.provide(Market)))
})
