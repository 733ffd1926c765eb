import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { PgliteTestDatabase } from "../support/databases.js"
import { projectCascadeContract } from "./project-cascade.contract.js"
import { SqlAdapters, storageContracts, unitOfWorkContract } from "./storage-contracts.js"

layer(SqlAdapters.pipe(Layer.provideMerge(PgliteTestDatabase)), { timeout: "60 seconds" })("SQL adapters on PGlite", (it) => {
  storageContracts(it)
  unitOfWorkContract(it)
  projectCascadeContract(it)
})
