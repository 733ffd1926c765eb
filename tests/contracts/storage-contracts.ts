import type { Vitest } from "@effect/vitest"
import { Layer } from "effect"
import type { ActivityLog } from "../../application/ports/activity-log.js"
import type { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import type { CollectionRepository, MemoryRepository } from "../../application/ports/memory-repository.js"
import type { MemoryShareRepository } from "../../application/ports/memory-share-repository.js"
import type { JobQueue } from "../../application/ports/job-queue.js"
import { JobQueueSql } from "../../adapters/sql/job-queue.sql.js"
import type { ProductRepository } from "../../application/ports/product-repository.js"
import { ProductRepositorySql } from "../../adapters/sql/product-repository.sql.js"
import type { ReviewRepository } from "../../application/ports/reviews.js"
import { ReviewRepositorySql } from "../../adapters/sql/review-repository.sql.js"
import type { MemoryAnalyticsReader, QueryLog } from "../../application/ports/memory-analytics.js"
import { MemoryAnalyticsSql, QueryLogSql } from "../../adapters/sql/memory-analytics.sql.js"
import { QueryLogBuffered } from "../../adapters/query-log/query-log.buffered.js"
import { MemoryShareRepositorySql } from "../../adapters/sql/memory-share-repository.sql.js"
import type { AuditLog } from "../../application/ports/audit-log.js"
import type { CommentRepository } from "../../application/ports/comment-repository.js"
import type { MailOutbox } from "../../application/ports/mail-outbox.js"
import type { OneTimeTokens } from "../../application/ports/one-time-tokens.js"
import type { ProjectRepository } from "../../application/ports/project-repository.js"
import type { RateLimiter } from "../../application/ports/rate-limiter.js"
import type { SessionRepository } from "../../application/ports/session-repository.js"
import type { TaskRepository } from "../../application/ports/task-repository.js"
import type { TwoFactorRepository } from "../../application/ports/two-factor-repository.js"
import type { UserRepository } from "../../application/ports/user-repository.js"
import { ActivityLogSql } from "../../adapters/sql/activity-log.sql.js"
import { ApiKeyRepositorySql } from "../../adapters/sql/api-key-repository.sql.js"
import { CollectionRepositorySql, MemoryRepositorySql } from "../../adapters/sql/memory-repository.sql.js"
import { AuditLogSql } from "../../adapters/sql/audit-log.sql.js"
import { CommentRepositorySql } from "../../adapters/sql/comment-repository.sql.js"
import { MailOutboxSql } from "../../adapters/sql/mail-outbox.sql.js"
import { OneTimeTokensSql } from "../../adapters/sql/one-time-tokens.sql.js"
import { ProjectRepositorySql } from "../../adapters/sql/project-repository.sql.js"
import { RateLimiterSql } from "../../adapters/sql/rate-limiter.sql.js"
import { SessionRepositorySql } from "../../adapters/sql/session-repository.sql.js"
import { TaskRepositorySql } from "../../adapters/sql/task-repository.sql.js"
import { TwoFactorRepositorySql } from "../../adapters/sql/two-factor-repository.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { apiKeyRepositoryContract } from "./api-key-repository.contract.js"
import { jobQueueContract } from "./job-queue.contract.js"
import { productsContract } from "./products.contract.js"
import { reviewsContract } from "./reviews.contract.js"
import { memoriesContract, memoryAnalyticsContract, memorySharesContract } from "./memories.contract.js"
import { auditLogContract } from "./audit-log.contract.js"
import { mailOutboxContract } from "./mail-outbox.contract.js"
import { oneTimeTokensContract } from "./one-time-tokens.contract.js"
import { projectsContract } from "./projects.contract.js"
import { rateLimiterContract } from "./rate-limiter.contract.js"
import { sessionRepositoryContract } from "./session-repository.contract.js"
import { twoFactorRepositoryContract } from "./two-factor-repository.contract.js"
import { unitOfWorkContract } from "./unit-of-work.contract.js"
import { userRepositoryContract } from "./user-repository.contract.js"

export type StoragePorts =
  | MemoryRepository
  | CollectionRepository
  | MemoryShareRepository
  | JobQueue
  | ProductRepository
  | ReviewRepository
  | QueryLog
  | MemoryAnalyticsReader
  | UserRepository
  | SessionRepository
  | MailOutbox
  | OneTimeTokens
  | AuditLog
  | TwoFactorRepository
  | ApiKeyRepository
  | RateLimiter
  | ProjectRepository
  | TaskRepository
  | CommentRepository
  | ActivityLog

/** Every storage port's contract: each adapter family (in-memory, SQL on PGlite, SQL on PostgreSQL) runs them all. */
export const storageContracts = (it: Vitest.MethodsNonLive<StoragePorts>) => {
  userRepositoryContract(it)
  sessionRepositoryContract(it)
  mailOutboxContract(it)
  oneTimeTokensContract(it)
  auditLogContract(it)
  twoFactorRepositoryContract(it)
  apiKeyRepositoryContract(it)
  rateLimiterContract(it)
  projectsContract(it)
  memoriesContract(it)
  memorySharesContract(it)
  memoryAnalyticsContract(it)
  jobQueueContract(it)
  productsContract(it)
  reviewsContract(it)
}

/** The SQL adapters of every storage port, plus the transactional UnitOfWork. */
export const SqlAdapters = Layer.mergeAll(
  MemoryRepositorySql,
  CollectionRepositorySql,
  MemoryShareRepositorySql,
  JobQueueSql,
  ProductRepositorySql,
  ReviewRepositorySql,
  // As the server has them: noted in process, written on a timer (an hour here, so that the contract
  // holds because a read and a prune write what is pending first) and in batches.
  QueryLogBuffered("1 hour").pipe(Layer.provide(Layer.merge(QueryLogSql, MemoryAnalyticsSql))),
  UserRepositorySql,
  SessionRepositorySql,
  MailOutboxSql,
  OneTimeTokensSql,
  AuditLogSql,
  TwoFactorRepositorySql,
  ApiKeyRepositorySql,
  RateLimiterSql,
  ProjectRepositorySql,
  TaskRepositorySql,
  CommentRepositorySql,
  ActivityLogSql,
  UnitOfWorkSql
)

export { unitOfWorkContract }
