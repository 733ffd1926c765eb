import { Schema, SchemaTransformation } from "effect"
import { isVisibleText } from "./text.js"

export const UserId = Schema.String.check(Schema.isUUID()).pipe(Schema.brand("UserId"))
export type UserId = typeof UserId.Type

/** Unicode compatibility forms folded (fullwidth "Ａ" is "A", the ligature "ﬁ" is "fi"). */
const nfkc = SchemaTransformation.transform<string, string>({ decode: (s) => s.normalize("NFKC"), encode: (s) => s })

/**
 * An email address as typed by a person: trimmed, Unicode-normalised (NFKC) and lower-cased before
 * anything else looks at it, so that "Ann@Example.com ", "Ａnn@example.com" and "ann@example.com"
 * are one account. Invisible characters (zero-width, bidi controls), control characters and NUL are
 * refused rather than removed: an address that hides characters is not the one its owner reads.
 * Every email that comes in (register, login, password reset, shares, members) decodes through this.
 */
export const Email = Schema.String.pipe(
  Schema.check(isVisibleText("email")),
  Schema.decodeTo(Schema.String, SchemaTransformation.trim()),
  Schema.decodeTo(Schema.String, nfkc),
  Schema.decodeTo(Schema.String, SchemaTransformation.toLowerCase()),
  Schema.check(
    Schema.isMaxLength(254, { message: "email must be at most 254 characters" }),
    Schema.isPattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: "email must be a valid email address" })
  ),
  Schema.brand("Email"),
  Schema.annotate({ description: "An email address; case and surrounding spaces are ignored" })
)
export type Email = typeof Email.Type

export const Role = Schema.Literals(["user", "admin"])
export type Role = typeof Role.Type

export const UserName = Schema.Trim.pipe(
  Schema.check(Schema.isMinLength(1, { message: "name must not be empty" })),
  Schema.check(Schema.isMaxLength(200, { message: "name must be at most 200 characters" }))
)

export class User extends Schema.Class<User>("User")({
  id: UserId,
  email: Email,
  name: Schema.String,
  role: Role,
  passwordHash: Schema.String,
  emailVerifiedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}
