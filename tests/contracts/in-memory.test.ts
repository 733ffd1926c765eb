import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { ApiKeyRepositoryMemory } from "../../adapters/in-memory/api-key-repository.memory.js"
import { AuditLogMemory } from "../../adapters/in-memory/audit-log.memory.js"
import { MailOutboxMemory } from "../../adapters/in-memory/mail-outbox.memory.js"
import { OneTimeTokensMemory } from "../../adapters/in-memory/one-time-tokens.memory.js"
import { PasswordHasherMemory } from "../../adapters/in-memory/password-hasher.memory.js"
import { RateLimiterMemory } from "../../adapters/in-memory/rate-limiter.memory.js"
import { SessionRepositoryMemory } from "../../adapters/in-memory/session-repository.memory.js"
import { TwoFactorRepositoryMemory } from "../../adapters/in-memory/two-factor-repository.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { passwordHasherContract } from "./password-hasher.contract.js"
import { storageContracts } from "./storage-contracts.js"

const MemoryAdapters = Layer.mergeAll(
  UserRepositoryMemory,
  SessionRepositoryMemory,
  MailOutboxMemory,
  OneTimeTokensMemory,
  AuditLogMemory,
  TwoFactorRepositoryMemory,
  ApiKeyRepositoryMemory,
  RateLimiterMemory,
  PasswordHasherMemory
)

layer(MemoryAdapters)("in-memory adapters", (it) => {
  storageContracts(it)
  passwordHasherContract(it)
})
