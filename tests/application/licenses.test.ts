import { expect, layer, type Vitest } from "@effect/vitest"
import { Duration, Effect, Layer, Option, Result } from "effect"
import { activateLicense, deactivateLicense, licensesWithActivations, validateLicense } from "../../application/marketplace/licenses.js"
import { applyPayment, markPaid, purchase } from "../../application/marketplace/orders.js"
import type { FileStore } from "../../application/ports/file-store.js"
import type { Ids } from "../../application/ports/ids.js"
import type { LicenseRepository } from "../../application/ports/licenses.js"
import { MarketplaceSettings, type OrderRepository, type Payments } from "../../application/ports/orders.js"
import type { ProductRepository } from "../../application/ports/product-repository.js"
import type { SecretTokens } from "../../application/ports/secret-tokens.js"
import type { UnitOfWork } from "../../application/ports/unit-of-work.js"
import type { UserRepository } from "../../application/ports/user-repository.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../../adapters/crypto/secret-tokens.node.js"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { OrderRepositoryMemory } from "../../adapters/in-memory/orders.memory.js"
import { ProductRepositoryMemory } from "../../adapters/in-memory/product-repository.memory.js"
import { UnitOfWorkMemory } from "../../adapters/in-memory/unit-of-work.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { ManualPayments } from "../../adapters/payments/manual.js"
import { LicenseRepositorySql } from "../../adapters/sql/license-repository.sql.js"
import { OrderRepositorySql } from "../../adapters/sql/order-repository.sql.js"
import { ProductRepositorySql } from "../../adapters/sql/product-repository.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { ActivationId } from "../../domain/marketplace/license.js"
import { PgliteTestDatabase, PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { approvedProduct, asAdmin, someone } from "../support/marketplace.js"

const Common = Layer.mergeAll(ManualPayments, FileStoreMemory, Layer.succeed(MarketplaceSettings, { feePercent: 10, pendingOrderTtl: Duration.hours(24) }), IdsUuidV7, SecretTokensNode)
const InMemory = Layer.mergeAll(OrderRepositoryMemory, Common, UserRepositoryMemory, UnitOfWorkMemory).pipe(Layer.provideMerge(ProductRepositoryMemory))
const Sql = Layer.mergeAll(OrderRepositorySql, LicenseRepositorySql, ProductRepositorySql, UserRepositorySql, UnitOfWorkSql, Common)

type Ports = FileStore | Ids | LicenseRepository | MarketplaceSettings | OrderRepository | Payments | ProductRepository | SecretTokens | UnitOfWork | UserRepository

const failure = <A, E extends { _tag: string }, R>(e: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.result(e), Result.match({ onFailure: (x) => ("reason" in x ? `${x._tag}: ${String(x.reason)}` : x._tag), onSuccess: () => "ok" }))

/** A buyer holding a paid license of a product with this activation limit. */
const paidLicense = (limit: number) =>
  Effect.gen(function*() {
    const seller = yield* someone
    const buyer = yield* someone
    const ops = asAdmin(yield* someone)
    const product = yield* approvedProduct(seller.userId, { licenseActivationLimit: limit })
    const order = yield* purchase(buyer, product.id)
    yield* markPaid(ops, order.id)
    const [held] = yield* licensesWithActivations(buyer)
    return { buyer, seller, order, product, key: held!.license.key }
  })

const scenarios = (it: Vitest.MethodsNonLive<Ports>) => {
  it.effect("activate up to the limit, the same instance again is free, deactivate frees a slot; validate; others' keys are unknown", () =>
    Effect.gen(function*() {
      const { buyer, seller, key } = yield* paidLicense(2)
      const a = yield* activateLicense(buyer, key, "laptop")
      expect([a.activation.instanceName, a.used, a.license.activationLimit]).toEqual(["laptop", 1, 2])
      const again = yield* activateLicense(buyer, key, "laptop")
      expect([again.activation.id, again.used]).toEqual([a.activation.id, 1])
      const b = yield* activateLicense(buyer, key, "desktop")
      expect(b.used).toBe(2)
      expect(yield* failure(activateLicense(buyer, key, "tablet"))).toBe("ActivationRefused: activation limit reached (2 of 2)")

      const listed = yield* licensesWithActivations(buyer)
      expect(listed[0]!.activations.map((x) => x.instanceName).sort()).toEqual(["desktop", "laptop"])

      const off = yield* deactivateLicense(buyer, key, a.activation.id)
      expect([Option.isSome(off.activation.deactivatedAt), off.used]).toEqual([true, 1])
      const offAgain = yield* deactivateLicense(buyer, key, a.activation.id)
      expect([offAgain.activation.deactivatedAt, offAgain.used]).toEqual([off.activation.deactivatedAt, 1])
      expect((yield* activateLicense(buyer, key, "tablet")).used).toBe(2)

      const valid = yield* validateLicense(buyer, key, Option.none())
      expect([valid.valid, valid.used, valid.license.status]).toEqual([true, 2, "active"])
      expect((yield* validateLicense(buyer, key, Option.some(b.activation.id))).valid).toBe(true)
      expect((yield* validateLicense(buyer, key, Option.some(a.activation.id))).valid).toBe(false)
      const stranger = ActivationId.make(crypto.randomUUID())
      expect(Option.isNone((yield* validateLicense(buyer, key, Option.some(stranger))).instance)).toBe(true)

      for (const other of [seller, yield* someone]) {
        expect(yield* failure(activateLicense(other, key, "x"))).toBe("NotFound")
        expect(yield* failure(validateLicense(other, key, Option.none()))).toBe("NotFound")
        expect(yield* failure(deactivateLicense(other, key, b.activation.id))).toBe("NotFound")
      }
      expect(yield* failure(activateLicense(buyer, "NOPE0-NOPE0-NOPE0-NOPE0-NOPE0", "x"))).toBe("NotFound")
      expect(yield* failure(deactivateLicense(buyer, key, stranger))).toBe("NotFound")
    }))

  it.effect("a refunded order's license is refused and no longer valid", () =>
    Effect.gen(function*() {
      const { buyer, key, order } = yield* paidLicense(3)
      const a = yield* activateLicense(buyer, key, "laptop")
      yield* applyPayment(`test:refund:${order.id}`, order.id, { _tag: "Refunded" })
      expect(yield* failure(activateLicense(buyer, key, "desktop"))).toBe("ActivationRefused: the license was revoked (the order was refunded)")
      expect(yield* failure(activateLicense(buyer, key, "laptop"))).toBe("ActivationRefused: the license was revoked (the order was refunded)")
      const checked = yield* validateLicense(buyer, key, Option.some(a.activation.id))
      expect([checked.valid, checked.license.status]).toEqual([false, "revoked"])
    }))
}

/** Ten activations at once against a limit of three: the row lock lets exactly three through. */
const race = (it: Vitest.MethodsNonLive<Ports>) =>
  it.effect("concurrent activations never exceed the limit", () =>
    Effect.gen(function*() {
      const { buyer, key } = yield* paidLicense(3)
      const outcomes = yield* Effect.forEach(
        Array.from({ length: 10 }, (_, i) => `machine-${i}`),
        (name) => failure(activateLicense(buyer, key, name)),
        { concurrency: "unbounded" }
      )
      expect(outcomes.filter((o) => o === "ok")).toHaveLength(3)
      expect(outcomes.filter((o) => o === "ActivationRefused: activation limit reached (3 of 3)")).toHaveLength(7)
      expect((yield* licensesWithActivations(buyer))[0]!.activations).toHaveLength(3)
    }))

layer(InMemory)("license activations, in memory", scenarios)
layer(Sql.pipe(Layer.provide(PgliteTestDatabase)), { timeout: "60 seconds" })("license activations, SQL on PGlite", (it) => {
  scenarios(it)
  race(it)
})
const url = testDatabaseUrl()
if (url !== undefined) {
  layer(Sql.pipe(Layer.provide(PostgresTestDatabase(url))), { timeout: "60 seconds" })("license activations, SQL on PostgreSQL", (it) => {
    scenarios(it)
    race(it)
  })
}
