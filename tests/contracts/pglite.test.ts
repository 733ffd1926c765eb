import { layer } from "@effect/vitest"
import { Layer } from "effect"
import { RateLimiterSql } from "../../adapters/sql/rate-limiter.sql.js"
import { ApiKeyRepositorySql } from "../../adapters/sql/api-key-repository.sql.js"
import { TwoFactorRepositorySql } from "../../adapters/sql/two-factor-repository.sql.js"
import { AuditLogSql } from "../../adapters/sql/audit-log.sql.js"
import { MailOutboxSql } from "../../adapters/sql/mail-outbox.sql.js"
import { OneTimeTokensSql } from "../../adapters/sql/one-time-tokens.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { SessionRepositorySql } from "../../adapters/sql/session-repository.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { PgliteTestDatabase } from "../support/databases.js"
import { auditLogContract } from "./audit-log.contract.js"
import { twoFactorRepositoryContract } from "./two-factor-repository.contract.js"
import { apiKeyRepositoryContract } from "./api-key-repository.contract.js"
import { rateLimiterContract } from "./rate-limiter.contract.js"
import { mailOutboxContract } from "./mail-outbox.contract.js"
import { oneTimeTokensContract } from "./one-time-tokens.contract.js"
import { unitOfWorkContract } from "./unit-of-work.contract.js"
import { sessionRepositoryContract } from "./session-repository.contract.js"
import { userRepositoryContract } from "./user-repository.contract.js"

const Repositories = Layer.mergeAll(RateLimiterSql, ApiKeyRepositorySql, TwoFactorRepositorySql, AuditLogSql, UserRepositorySql, SessionRepositorySql, MailOutboxSql, OneTimeTokensSql, UnitOfWorkSql).pipe(Layer.provide(PgliteTestDatabase))

layer(Repositories, { timeout: "60 seconds" })("SQL adapters on PGlite", (it) => {
  userRepositoryContract(it)
  sessionRepositoryContract(it)
  mailOutboxContract(it)
  rateLimiterContract(it)
  apiKeyRepositoryContract(it)
  twoFactorRepositoryContract(it)
  auditLogContract(it)
  oneTimeTokensContract(it)
  unitOfWorkContract(it)
})
