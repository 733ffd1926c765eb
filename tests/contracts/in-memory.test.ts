import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { SessionRepositoryMemory } from "../../adapters/in-memory/session-repository.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { sessionRepositoryContract } from "./session-repository.contract.js"
import { userRepositoryContract } from "./user-repository.contract.js"

layer(Layer.mergeAll(UserRepositoryMemory, SessionRepositoryMemory))("in-memory adapters", (it) => {
  userRepositoryContract(it)
  sessionRepositoryContract(it)
})
