import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { MemoriesMemory } from "../../adapters/in-memory/memories.memory.js"
import { JobQueueMemory } from "../../adapters/in-memory/job-queue.memory.js"
import { ProductRepositoryMemory } from "../../adapters/in-memory/product-repository.memory.js"
import { ReviewRepositoryMemory } from "../../adapters/in-memory/reviews.memory.js"
import { ApiKeyRepositoryMemory } from "../../adapters/in-memory/api-key-repository.memory.js"
import { AuditLogMemory } from "../../adapters/in-memory/audit-log.memory.js"
import { MailOutboxMemory } from "../../adapters/in-memory/mail-outbox.memory.js"
import { OneTimeTokensMemory } from "../../adapters/in-memory/one-time-tokens.memory.js"
import { PasswordHasherMemory } from "../../adapters/in-memory/password-hasher.memory.js"
import { ProjectsMemory } from "../../adapters/in-memory/projects.memory.js"
import { RateLimiterMemory } from "../../adapters/in-memory/rate-limiter.memory.js"
import { SessionRepositoryMemory } from "../../adapters/in-memory/session-repository.memory.js"
import { TwoFactorRepositoryMemory } from "../../adapters/in-memory/two-factor-repository.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { passwordHasherContract } from "./password-hasher.contract.js"
import { storageContracts } from "./storage-contracts.js"

// One UserRepositoryMemory, provided to ProjectsMemory (members' names and emails) and kept in the output
// for the users contract and the fixtures: the same users serve both.
const MemoryAdapters = Layer.mergeAll(
  MemoriesMemory,
  JobQueueMemory,
  // The reviews adapter writes rating summaries to this same products adapter.
  ReviewRepositoryMemory.pipe(Layer.provideMerge(ProductRepositoryMemory)),
  SessionRepositoryMemory,
  MailOutboxMemory,
  OneTimeTokensMemory,
  AuditLogMemory,
  TwoFactorRepositoryMemory,
  ApiKeyRepositoryMemory,
  RateLimiterMemory,
  PasswordHasherMemory,
  ProjectsMemory
).pipe(Layer.provideMerge(UserRepositoryMemory))

layer(MemoryAdapters)("in-memory adapters", (it) => {
  storageContracts(it)
  passwordHasherContract(it)
})
