import { Schema } from "effect"

export const UserId = Schema.UUID.pipe(Schema.brand("UserId"))
export type UserId = typeof UserId.Type

/**
 * An email address as typed by a person: trimmed and lower-cased before anything else looks at it,
 * so that "Ann@Example.com " and "ann@example.com" are one account.
 */
export const Email = Schema.compose(Schema.Trim, Schema.Lowercase).pipe(
  Schema.maxLength(254, { message: () => "email must be at most 254 characters" }),
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "email must be a valid email address" }),
  Schema.brand("Email"),
  Schema.annotations({ description: "An email address; case and surrounding spaces are ignored" })
)
export type Email = typeof Email.Type

export const Role = Schema.Literal("user", "admin")
export type Role = typeof Role.Type

export const UserName = Schema.Trim.pipe(
  Schema.minLength(1, { message: () => "name must not be empty" }),
  Schema.maxLength(200, { message: () => "name must be at most 200 characters" })
)

export class User extends Schema.Class<User>("User")({
  id: UserId,
  email: Email,
  name: Schema.String,
  role: Role,
  passwordHash: Schema.String,
  emailVerifiedAt: Schema.OptionFromNullOr(Schema.DateTimeUtcFromSelf),
  createdAt: Schema.DateTimeUtcFromSelf,
  updatedAt: Schema.DateTimeUtcFromSelf
}) {}
