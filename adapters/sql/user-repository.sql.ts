import { SqlClient, SqlSchema } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import type { StorageUnavailable } from "../../application/ports/errors.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { EmailAlreadyRegistered } from "../../domain/identity/errors.js"
import { Email, Role, User, UserId } from "../../domain/identity/user.js"
import { isUniqueViolation, orStorageFailure, storageFailure } from "./storage-errors.js"

const UserRow = Schema.Struct({
  id: Schema.String,
  email: Schema.String,
  name: Schema.String,
  role: Role,
  password_hash: Schema.String,
  email_verified_at: Schema.NullOr(Schema.DateFromSelf),
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf
})
type UserRow = typeof UserRow.Type

const toUser = (row: UserRow): User =>
  new User({
    id: UserId.make(row.id),
    email: Email.make(row.email),
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    emailVerifiedAt: Option.map(Option.fromNullable(row.email_verified_at), DateTime.unsafeFromDate),
    createdAt: DateTime.unsafeFromDate(row.created_at),
    updatedAt: DateTime.unsafeFromDate(row.updated_at)
  })

export const UserRepositorySql = Layer.effect(
  UserRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const findById = SqlSchema.findOne({
      Request: Schema.String,
      Result: UserRow,
      execute: (id) => sql`SELECT * FROM users WHERE id = ${id}`
    })
    const findByEmail = SqlSchema.findOne({
      Request: Schema.String,
      Result: UserRow,
      execute: (email) => sql`SELECT * FROM users WHERE lower(email) = lower(${email})`
    })
    return {
      insert: (user) =>
        sql`INSERT INTO users ${
          sql.insert({
            id: user.id,
            email: user.email,
            name: user.name,
            role: user.role,
            password_hash: user.passwordHash,
            email_verified_at: Option.getOrNull(Option.map(user.emailVerifiedAt, DateTime.toDateUtc)),
            created_at: DateTime.toDateUtc(user.createdAt),
            updated_at: DateTime.toDateUtc(user.updatedAt)
          })
        }`.pipe(
          Effect.asVoid,
          Effect.catchAll((error): Effect.Effect<never, EmailAlreadyRegistered | StorageUnavailable> =>
            isUniqueViolation(error) ? Effect.fail(new EmailAlreadyRegistered()) : storageFailure(error)
          )
        ),
      findById: (id) => findById(id).pipe(Effect.map(Option.map(toUser)), orStorageFailure),
      findByEmail: (email) => findByEmail(email).pipe(Effect.map(Option.map(toUser)), orStorageFailure),
      setPasswordHash: (id, passwordHash, updatedAt) =>
        sql`UPDATE users SET password_hash = ${passwordHash}, updated_at = ${DateTime.toDateUtc(updatedAt)}
            WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      markEmailVerified: (id, at) =>
        sql`UPDATE users SET email_verified_at = COALESCE(email_verified_at, ${DateTime.toDateUtc(at)}),
            updated_at = ${DateTime.toDateUtc(at)} WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      setRole: (id, role, updatedAt) =>
        sql`UPDATE users SET role = ${role}, updated_at = ${DateTime.toDateUtc(updatedAt)} WHERE id = ${id}`.pipe(
          Effect.asVoid,
          orStorageFailure
        )
    }
  })
)
