import { expect, layer, type Vitest } from "@effect/vitest"
import { DateTime, Duration, Effect, Either, Layer, Option } from "effect"
import { applyPayment, downloadLink, getOrder, markPaid, myLicenses, purchase } from "../../application/marketplace/orders.js"
import { MarketplaceSettings, OrderRepository, type Payments } from "../../application/ports/orders.js"
import type { FileStore } from "../../application/ports/file-store.js"
import type { Ids } from "../../application/ports/ids.js"
import type { SecretTokens } from "../../application/ports/secret-tokens.js"
import type { UnitOfWork } from "../../application/ports/unit-of-work.js"
import { ProductRepository } from "../../application/ports/product-repository.js"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { OrderRepositoryMemory } from "../../adapters/in-memory/orders.memory.js"
import { ProductRepositoryMemory } from "../../adapters/in-memory/product-repository.memory.js"
import { ManualPayments } from "../../adapters/payments/manual.js"
import type { Actor } from "../../domain/identity/actor.js"
import { Product, ProductId } from "../../domain/marketplace/product.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../../adapters/crypto/secret-tokens.node.js"
import { UnitOfWorkMemory } from "../../adapters/in-memory/unit-of-work.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { OrderRepositorySql } from "../../adapters/sql/order-repository.sql.js"
import { ProductRepositorySql } from "../../adapters/sql/product-repository.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { ALL_SCOPES } from "../../domain/identity/actor.js"
import { PgliteTestDatabase, PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { makeUser } from "../support/fixtures.js"

const Common = Layer.mergeAll(ManualPayments, FileStoreMemory, Layer.succeed(MarketplaceSettings, { feePercent: 10, pendingOrderTtl: Duration.hours(24) }), IdsUuidV7, SecretTokensNode)
const InMemory = Layer.mergeAll(OrderRepositoryMemory, Common, UserRepositoryMemory, UnitOfWorkMemory).pipe(Layer.provideMerge(ProductRepositoryMemory))
const OnPglite = Layer.mergeAll(OrderRepositorySql, ProductRepositorySql, UserRepositorySql, UnitOfWorkSql, Common).pipe(Layer.provide(PgliteTestDatabase))

/** A user in whichever store the layer has (the SQL tables have foreign keys to users). */
const someone = Effect.gen(function*() {
  const user = makeUser()
  yield* (yield* UserRepository).insert(user)
  const actor: Actor = { userId: user.id, role: "user", sessionId: Option.none(), apiKeyId: Option.none(), scopes: new Set(ALL_SCOPES) }
  return { actor }
})
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

type Ports = FileStore | Ids | MarketplaceSettings | OrderRepository | Payments | ProductRepository | SecretTokens | UnitOfWork | UserRepository
const scenario = (it: Vitest.MethodsNonLive<Ports>) =>
  it.effect("purchase → pending; mark-paid → paid, a license, the ledger's sale; repeats change nothing; a refund revokes and reverses", () =>
    Effect.gen(function*() {
      const seller = yield* someone
      const buyer = yield* someone
      const ops = yield* someone
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
    }))

layer(InMemory)("purchases with the manual provider, in memory", scenario)
layer(OnPglite, { timeout: "60 seconds" })("purchases with the manual provider, SQL on PGlite", scenario)
const url = testDatabaseUrl()
if (url !== undefined) {
  const OnPostgres = Layer.mergeAll(OrderRepositorySql, ProductRepositorySql, UserRepositorySql, UnitOfWorkSql, Common).pipe(Layer.provide(PostgresTestDatabase(url)))
  layer(OnPostgres, { timeout: "60 seconds" })("purchases with the manual provider, SQL on PostgreSQL", scenario)
}
