import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { PgliteTestDatabase } from "../support/databases.js"
import { SqlAdapters, storageContracts, unitOfWorkContract } from "./storage-contracts.js"

layer(SqlAdapters.pipe(Layer.provide(PgliteTestDatabase)), { timeout: "60 seconds" })("SQL adapters on PGlite", (it) => {
  storageContracts(it)
  unitOfWorkContract(it)
})
