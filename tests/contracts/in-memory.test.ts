import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { RateLimiterMemory } from "../../adapters/in-memory/rate-limiter.memory.js"
import { ApiKeyRepositoryMemory } from "../../adapters/in-memory/api-key-repository.memory.js"
import { TwoFactorRepositoryMemory } from "../../adapters/in-memory/two-factor-repository.memory.js"
import { AuditLogMemory } from "../../adapters/in-memory/audit-log.memory.js"
import { MailOutboxMemory } from "../../adapters/in-memory/mail-outbox.memory.js"
import { OneTimeTokensMemory } from "../../adapters/in-memory/one-time-tokens.memory.js"
import { PasswordHasherMemory } from "../../adapters/in-memory/password-hasher.memory.js"
import { SessionRepositoryMemory } from "../../adapters/in-memory/session-repository.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { passwordHasherContract } from "./password-hasher.contract.js"
import { auditLogContract } from "./audit-log.contract.js"
import { twoFactorRepositoryContract } from "./two-factor-repository.contract.js"
import { apiKeyRepositoryContract } from "./api-key-repository.contract.js"
import { rateLimiterContract } from "./rate-limiter.contract.js"
import { mailOutboxContract } from "./mail-outbox.contract.js"
import { oneTimeTokensContract } from "./one-time-tokens.contract.js"
import { sessionRepositoryContract } from "./session-repository.contract.js"
import { userRepositoryContract } from "./user-repository.contract.js"

layer(Layer.mergeAll(RateLimiterMemory, ApiKeyRepositoryMemory, TwoFactorRepositoryMemory, AuditLogMemory, UserRepositoryMemory, SessionRepositoryMemory, PasswordHasherMemory, MailOutboxMemory, OneTimeTokensMemory))("in-memory adapters", (it) => {
  userRepositoryContract(it)
  sessionRepositoryContract(it)
  mailOutboxContract(it)
  rateLimiterContract(it)
  apiKeyRepositoryContract(it)
  twoFactorRepositoryContract(it)
  auditLogContract(it)
  oneTimeTokensContract(it)
  passwordHasherContract(it)
})
