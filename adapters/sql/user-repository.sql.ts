import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Schema } from "effect"
import { UserRepository } from "../../application/ports/user-repository.js"
import { EmailAlreadyRegistered } from "../../domain/identity/errors.js"
import { Email, Role, User, UserId } from "../../domain/identity/user.js"
import { firstRow, instant, intoClass, optional, OptionalTimestamp, Row, Timestamp } from "./rows.js"
import { orConflictOnUnique, orStorageFailure } from "./storage-errors.js"

export const UserRow = Row({
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

/**
 * A user's columns beside another table's in one row (authentication joins them to the session or
 * key): each prefixed `u_`, the id being that table's own `user_id`.
 */
export const JOINED_USER_COLUMNS = "u.email AS u_email, u.name AS u_name, u.role AS u_role, u.password_hash AS u_password_hash, " +
  "u.email_verified_at AS u_email_verified_at, u.created_at AS u_created_at, u.updated_at AS u_updated_at"

/**
 * A users row into a User, as UserRow decodes it, by User's own constructor (which checks every
 * field): the per-request read of authentication goes this way (tests/adapters/rows.test.ts holds
 * the two equal and refusing the same rows). A row it refuses throws: a defect, as with UserRow.
 */
export const userOfRow = (row: Readonly<Record<string, unknown>>): User =>
  new User({
    id: row["id"],
    email: row["email"],
    name: row["name"],
    role: row["role"],
    passwordHash: row["password_hash"],
    emailVerifiedAt: optional(row["email_verified_at"], instant),
    createdAt: instant(row["created_at"]),
    updatedAt: instant(row["updated_at"])
  } as unknown as ConstructorParameters<typeof User>[0])

/** The user's part of such a row, with the users table's own column names, for UserRow to decode. */
export const joinedUserOf = (row: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const user: Record<string, unknown> = { id: row["user_id"] }
  for (const column in row) if (column.startsWith("u_")) user[column.slice(2)] = row[column]
  return user
}

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
