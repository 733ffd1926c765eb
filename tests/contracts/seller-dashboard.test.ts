import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { OrderRepositoryMemory } from "../../adapters/in-memory/orders.memory.js"
import { ProductRepositoryMemory } from "../../adapters/in-memory/product-repository.memory.js"
import { SellerDashboardMemory } from "../../adapters/in-memory/seller-dashboard.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { OrderRepositorySql } from "../../adapters/sql/order-repository.sql.js"
import { ProductRepositorySql } from "../../adapters/sql/product-repository.sql.js"
import { SellerDashboardSql } from "../../adapters/sql/seller-dashboard.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { PgliteTestDatabase, PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { sellerDashboardContract } from "./seller-dashboard.contract.js"

// The reader's contract on each adapter. It has its own file (not the storage registry) because the
// in-memory reader folds the in-memory ledger, which the shared in-memory registry does not wire.
const InMemory = SellerDashboardMemory.pipe(
  Layer.provideMerge(OrderRepositoryMemory),
  Layer.provideMerge(Layer.merge(ProductRepositoryMemory, UserRepositoryMemory))
)
const Sql = Layer.mergeAll(SellerDashboardSql, OrderRepositorySql, ProductRepositorySql, UserRepositorySql)

layer(InMemory)("seller dashboard, in memory", sellerDashboardContract)
layer(Sql.pipe(Layer.provide(PgliteTestDatabase)), { timeout: "60 seconds" })("seller dashboard, SQL on PGlite", sellerDashboardContract)
const url = testDatabaseUrl()
if (url !== undefined) {
  layer(Sql.pipe(Layer.provide(PostgresTestDatabase(url))), { timeout: "60 seconds" })("seller dashboard, SQL on PostgreSQL", sellerDashboardContract)
}
