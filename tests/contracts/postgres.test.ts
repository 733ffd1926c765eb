import { describe, it as vitestIt, layer } from "@effect/vitest"
import { Layer } from "effect"
import { PostgresTestDatabase, testDatabaseUrl } from "../support/databases.js"
import { projectCascadeContract } from "./project-cascade.contract.js"
import { SqlAdapters, storageContracts, unitOfWorkContract } from "./storage-contracts.js"

const url = testDatabaseUrl()

if (url === undefined) {
  console.warn("TEST_DATABASE_URL is not set: the PostgreSQL contract suites were SKIPPED (CI sets it).")
  describe("SQL adapters on PostgreSQL", () => {
    vitestIt.skipIf(true)("skipped: TEST_DATABASE_URL is not set", () => {})
  })
} else {
  layer(SqlAdapters.pipe(Layer.provideMerge(PostgresTestDatabase(url))), { timeout: "60 seconds" })("SQL adapters on PostgreSQL", (it) => {
    storageContracts(it)
    unitOfWorkContract(it)
    projectCascadeContract(it)
  })
}
