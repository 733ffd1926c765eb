import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Schema } from "effect"
import { UserRepository } from "../../application/ports/user-repository.js"
import { EmailAlreadyRegistered } from "../../domain/identity/errors.js"
import { Email, Role, User, UserId } from "../../domain/identity/user.js"
import { firstRow, intoClass, OptionalTimestamp, Row, Timestamp } from "./rows.js"
import { orConflictOnUnique, orStorageFailure } from "./storage-errors.js"

const UserRow = Row({
  id: UserId,
  // Stored addresses were normalised on the way in: read as they are, not decoded from input again.
  email: Schema.toType(Email),
  name: Schema.String,
  role: Role,
  passwordHash: Schema.String,
  emailVerifiedAt: OptionalTimestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp
}).pipe(intoClass(User))
const user = firstRow(UserRow)

export const UserRepositorySql = Layer.effect(
  UserRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insert = SqlSchema.void({
      Request: UserRow,
      execute: (row) => sql`INSERT INTO users ${sql.insert(row)}`
    })
    return UserRepository.of({
      insert: (user) =>
        insert(user).pipe(orConflictOnUnique(() => new EmailAlreadyRegistered())),
      findById: (id) => user(sql`SELECT * FROM users WHERE id = ${id}`).pipe(orStorageFailure),
      findByEmail: (email) => user(sql`SELECT * FROM users WHERE lower(email) = lower(${email})`).pipe(orStorageFailure),
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
    })
  })
)
