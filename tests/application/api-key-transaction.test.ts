import { describe, expect, layer } from "@effect/vitest"
import { Context, Effect, Layer, Option } from "effect"
import { createApiKey } from "../../application/identity/api-keys.js"
import { ApiKeyRepository } from "../../application/ports/api-key-repository.js"
import { AuditLog } from "../../application/ports/audit-log.js"
import { StorageUnavailable } from "../../application/ports/errors.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { ApiKeyRepositorySql } from "../../adapters/sql/api-key-repository.sql.js"
import { AuditLogSql } from "../../adapters/sql/audit-log.sql.js"
import { UnitOfWorkSql } from "../../adapters/sql/unit-of-work.sql.js"
import { UserRepositorySql } from "../../adapters/sql/user-repository.sql.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../../adapters/crypto/secret-tokens.node.js"
import type { Actor } from "../../domain/identity/actor.js"
import { SessionId } from "../../domain/identity/session.js"
import { PgliteTestDatabase } from "../support/databases.js"
import { makeUser } from "../support/fixtures.js"

/** Switched on by a test: the audit write after the key's insert then fails, as a database might. */
const AuditFails = Context.Reference<boolean>("AuditFails", { defaultValue: () => false })

/** The SQL audit log, except that it fails while AuditFails is on. */
const FlakyAuditLog = Layer.effect(
  AuditLog,
  Effect.gen(function*() {
    const real = yield* AuditLog
    return AuditLog.of({
      ...real,
      record: (event) =>
        Effect.gen(function*() {
          if (yield* AuditFails) return yield* new StorageUnavailable({ message: "audit write failed" })
          yield* real.record(event)
        })
    })
  })
).pipe(Layer.provide(AuditLogSql))

const sessionActor = (userId: Actor["userId"]): Actor => ({
  userId,
  role: "user",
  sessionId: Option.some(SessionId.make(crypto.randomUUID())),
  apiKeyId: Option.none(),
  scopes: new Set()
})

// Real transactions (the in-memory UnitOfWork does not roll back): SQL adapters on PGlite.
const SqlIdentity = Layer.mergeAll(ApiKeyRepositorySql, UserRepositorySql, UnitOfWorkSql, FlakyAuditLog, IdsUuidV7, SecretTokensNode).pipe(
  Layer.provideMerge(PgliteTestDatabase)
)

layer(SqlIdentity, { timeout: "60 seconds" })("API key creation is one transaction (PGlite)", (it) => {
  describe("a key and its audit entry stand or fall together", () => {
    it.effect("an audit failure after the insert leaves no key", () =>
      Effect.gen(function*() {
        const user = makeUser()
        yield* (yield* UserRepository).insert(user)
        const failed = yield* Effect.flip(
          createApiKey(sessionActor(user.id), { name: "ci", scopes: ["memories:read"], expiresAt: Option.none() }).pipe(
            Effect.provideService(AuditFails, true)
          )
        )
        expect(failed._tag).toBe("StorageUnavailable")
        expect(yield* (yield* ApiKeyRepository).listByUser(user.id, Option.none(), 100)).toEqual([])
      }))

    it.effect("a stored key always has its audit entry", () =>
      Effect.gen(function*() {
        const user = makeUser()
        yield* (yield* UserRepository).insert(user)
        const { apiKey } = yield* createApiKey(sessionActor(user.id), { name: "ci", scopes: ["memories:read"], expiresAt: Option.none() })
        expect((yield* (yield* ApiKeyRepository).listByUser(user.id, Option.none(), 100)).map((k) => k.id)).toEqual([apiKey.id])
        const audit = yield* (yield* AuditLog).listByUser(user.id, Option.none(), 100)
        expect(audit.map((e) => [e.type, e.details.api_key_id])).toEqual([["api_key.created", apiKey.id]])
      }))
  })
})
