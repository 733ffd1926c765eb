import { expect, layer, type Vitest } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import { applyPayment, downloadLink, getOrder, markPaid, orderStillGrantsDownload, purchase } from "../../application/marketplace/orders.js"
import { MarketplaceSettings, OrderRepository, type Payments } from "../../application/ports/orders.js"
import type { FileLinks } from "../../application/ports/file-links.js"
import type { FileStore } from "../../application/ports/file-store.js"
import { FileLinksHmac } from "../../adapters/local-files/signed-links.js"
import type { Ids } from "../../application/ports/ids.js"
import type { SecretTokens } from "../../application/ports/secret-tokens.js"
import type { UnitOfWork } from "../../application/ports/unit-of-work.js"
import { ProductRepository } from "../../application/ports/product-repository.js"
import { Product } from "../../domain/marketplace/product.js"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { OrderRepositoryMemory } from "../../adapters/in-memory/orders.memory.js"
import { ProductRepositoryMemory } from "../../adapters/in-memory/product-repository.memory.js"
import { ManualPayments } from "../../adapters/payments/manual.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../../adapters/crypto/secret-tokens.node.js"
import { UnitOfWorkMemory } from "../../adapters/in-memory/unit-of-work.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { OrderRepositorySql } from "../../adapters/sql/order-repository.sql.js"
import { ProductRepositorySql } from "../../adapters/sql/product-repository.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { PgliteTestDatabase, PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { tagOf } from "../support/fixtures.js"
import { approvedProduct, asAdmin, someone } from "../support/marketplace.js"

/** The licenses fulfilment issued to a buyer, as the store holds them. */
const licensesOf = (actor: { readonly userId: Parameters<Context.Service.Shape<typeof OrderRepository>["licensesOf"]>[0] }) =>
  Effect.flatMap(OrderRepository, (orders) => orders.licensesOf(actor.userId))

const links = FileLinksHmac({ secret: Redacted.make("purchase-test-link-secret-0123456789"), publicBaseUrl: "https://api.example.com" })
const Common = Layer.mergeAll(ManualPayments, FileStoreMemory, links, Layer.succeed(MarketplaceSettings, { feePercent: 10, pendingOrderTtl: Duration.hours(24) }), IdsUuidV7, SecretTokensNode)
const InMemory = Layer.mergeAll(OrderRepositoryMemory, Common, UserRepositoryMemory, UnitOfWorkMemory).pipe(Layer.provideMerge(ProductRepositoryMemory))
const OnPglite = Layer.mergeAll(OrderRepositorySql, ProductRepositorySql, UserRepositorySql, UnitOfWorkSql, Common).pipe(Layer.provide(PgliteTestDatabase))

type Ports = FileLinks | FileStore | Ids | MarketplaceSettings | OrderRepository | Payments | ProductRepository | SecretTokens | UnitOfWork | UserRepository
const scenario = (it: Vitest.MethodsNonLive<Ports>) =>
  it.effect("purchase → pending; mark-paid → paid, a license, the ledger's sale; repeats change nothing; a refund revokes and reverses", () =>
    Effect.gen(function*() {
      const seller = yield* someone
      const buyer = yield* someone
      const ops = yield* someone
      const product = yield* approvedProduct(seller.userId)

      const order = yield* purchase(buyer, product.id)
      expect([order.status, order.amount, order.provider, Option.getOrNull(order.providerRef)]).toEqual(["pending", 1999, "manual", `manual:${order.id}`])
      expect((yield* purchase(buyer, product.id)).id).toBe(order.id)
      expect(yield* tagOf(downloadLink(buyer, order.id))).toBe("Forbidden")
      expect(yield* tagOf(markPaid(buyer, order.id))).toBe("Forbidden")
      // The license's terms are the product's when it was ordered: a change after it is for later buyers.
      const products = yield* ProductRepository
      const listed = Option.getOrThrow(yield* products.findById(product.id))
      yield* products.update(new Product({ ...listed, licenseActivationLimit: 7 }))

      const paid = yield* markPaid(asAdmin(ops), order.id)
      expect(paid.status).toBe("paid")
      yield* markPaid(asAdmin(ops), order.id)
      const licenses = yield* licensesOf(buyer)
      expect(licenses.map((l) => [l.status, l.activationLimit])).toEqual([["active", 3]])
      expect(licenses[0]!.key).toMatch(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){4}$/)
      const ledger = yield* (yield* OrderRepository).ledgerOf(seller.userId)
      expect(ledger.map((e) => [e.kind, e.gross, e.fee, e.net])).toEqual([["sale", 1999, 200, 1799]])
      expect(Option.map(yield* (yield* ProductRepository).findById(product.id), (p) => p.salesCount)).toEqual(Option.some(1))
      // The link is the API's own, bound to the order (so that a refund can end it), not the store's.
      const link = new URL((yield* downloadLink(buyer, order.id)).url)
      expect([link.pathname, link.searchParams.get("order"), link.searchParams.get("name")]).toEqual(["/api/v1/files", order.id, "budget.xlsx"])
      expect(yield* orderStillGrantsDownload(order.id)).toBe(true)
      expect(yield* tagOf(purchase(buyer, product.id))).toBe("PurchaseRefused")
      expect(yield* tagOf(purchase(seller, product.id))).toBe("PurchaseRefused")
      expect(yield* tagOf(getOrder(seller, order.id))).toBe("NotFound")

      // A refund event (as Stripe's charge.refunded will bring), delivered twice.
      yield* applyPayment("evt_refund_1", order.id, { _tag: "Refunded" })
      yield* applyPayment("evt_refund_1", order.id, { _tag: "Refunded" })
      expect((yield* getOrder(buyer, order.id)).status).toBe("refunded")
      expect((yield* licensesOf(buyer)).map((l) => l.status)).toEqual(["revoked"])
      const after = yield* (yield* OrderRepository).ledgerOf(seller.userId)
      expect(after.map((e) => [e.kind, e.net])).toEqual([["sale", 1799], ["reversal", -1799]])
      expect(yield* tagOf(downloadLink(buyer, order.id))).toBe("Forbidden")
      expect(yield* orderStillGrantsDownload(order.id)).toBe(false)
    }))

layer(InMemory)("purchases with the manual provider, in memory", scenario)
layer(OnPglite, { timeout: "60 seconds" })("purchases with the manual provider, SQL on PGlite", scenario)
const url = testDatabaseUrl()
if (url !== undefined) {
  const OnPostgres = Layer.mergeAll(OrderRepositorySql, ProductRepositorySql, UserRepositorySql, UnitOfWorkSql, Common).pipe(Layer.provide(PostgresTestDatabase(url)))
  layer(OnPostgres, { timeout: "60 seconds" })("purchases with the manual provider, SQL on PostgreSQL", scenario)
}
