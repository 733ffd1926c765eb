import { Result } from "effect"
import { WeakPassword } from "./errors.js"

export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 128

/**
 * The password rules every new password must meet. Length is counted in characters (code points),
 * not bytes, so a passphrase in any script is measured the way its owner sees it.
 */
export const checkPasswordPolicy = (password: string, email: string): Result.Result<void, WeakPassword> => {
  const length = [...password].length
  if (length < PASSWORD_MIN_LENGTH) {
    return Result.fail(new WeakPassword({ reason: `password must be at least ${PASSWORD_MIN_LENGTH} characters` }))
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return Result.fail(new WeakPassword({ reason: `password must be at most ${PASSWORD_MAX_LENGTH} characters` }))
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return Result.fail(new WeakPassword({ reason: "password must not be the same as the email address" }))
  }
  return Result.succeed(undefined)
}
