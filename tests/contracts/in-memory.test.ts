import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { PasswordHasherMemory } from "../../adapters/in-memory/password-hasher.memory.js"
import { SessionRepositoryMemory } from "../../adapters/in-memory/session-repository.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { passwordHasherContract } from "./password-hasher.contract.js"
import { sessionRepositoryContract } from "./session-repository.contract.js"
import { userRepositoryContract } from "./user-repository.contract.js"

layer(Layer.mergeAll(UserRepositoryMemory, SessionRepositoryMemory, PasswordHasherMemory))("in-memory adapters", (it) => {
  userRepositoryContract(it)
  sessionRepositoryContract(it)
  passwordHasherContract(it)
})
