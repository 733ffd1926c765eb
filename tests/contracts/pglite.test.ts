import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { SessionRepositorySql } from "../../adapters/sql/session-repository.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { PgliteTestDatabase } from "../support/databases.js"
import { sessionRepositoryContract } from "./session-repository.contract.js"
import { userRepositoryContract } from "./user-repository.contract.js"

const Repositories = Layer.mergeAll(UserRepositorySql, SessionRepositorySql).pipe(Layer.provide(PgliteTestDatabase))

layer(Repositories, { timeout: "60 seconds" })("SQL adapters on PGlite", (it) => {
  userRepositoryContract(it)
  sessionRepositoryContract(it)
})
