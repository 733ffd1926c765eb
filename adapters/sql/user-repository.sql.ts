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

/**
 * A user's columns beside another table's in one row (authentication joins them to the session or
 * key): prefixed `user_`, the id taken from that table's own `user_id`.
 */
export const JOINED_USER_COLUMNS = "u.email AS user_email, u.name AS user_name, u.role AS user_role, u.password_hash AS user_password_hash, " +
  "u.email_verified_at AS user_email_verified_at, u.created_at AS user_created_at, u.updated_at AS user_updated_at"
export const joinedUserColumns = {
  userEmail: Schema.toType(Email),
  userName: Schema.String,
  userRole: Role,
  userPasswordHash: Schema.String,
  userEmailVerifiedAt: OptionalTimestamp,
  userCreatedAt: Timestamp,
  userUpdatedAt: Timestamp
}
type JoinedUserKey = keyof typeof joinedUserColumns
type JoinedUserRow = { readonly [K in JoinedUserKey]: Schema.Schema.Type<typeof joinedUserColumns[K]> }

/** Splits a joined row into the user and the other table's columns. */
export const splitJoinedUser = <R extends JoinedUserRow & { readonly userId: UserId }>(row: R): readonly [User, Omit<R, JoinedUserKey>] => {
  const { userEmail, userName, userRole, userPasswordHash, userEmailVerifiedAt, userCreatedAt, userUpdatedAt, ...rest } = row
  const user = new User({
    id: row.userId,
    email: userEmail,
    name: userName,
    role: userRole,
    passwordHash: userPasswordHash,
    emailVerifiedAt: userEmailVerifiedAt,
    createdAt: userCreatedAt,
    updatedAt: userUpdatedAt
  })
  return [user, rest]
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
