import { Schema } from "effect"

export const RECOVERY_CODE_COUNT = 10
/** Wrong codes a login challenge takes before it is dead. */
export const CHALLENGE_MAX_ATTEMPTS = 5
export const CHALLENGE_TTL = "5 minutes"

export class TwoFactorAlreadyEnabled extends Schema.TaggedError<TwoFactorAlreadyEnabled>()("TwoFactorAlreadyEnabled", {}) {}
export class TwoFactorNotEnabled extends Schema.TaggedError<TwoFactorNotEnabled>()("TwoFactorNotEnabled", {}) {}
export class TwoFactorNotPending extends Schema.TaggedError<TwoFactorNotPending>()("TwoFactorNotPending", {}) {}
/** A TOTP or recovery code that does not match, or was already used. */
export class InvalidTwoFactorCode extends Schema.TaggedError<InvalidTwoFactorCode>()("InvalidTwoFactorCode", {}) {}

/** Recovery codes are typed by people: case, spaces and dashes do not matter. */
export const normalizeRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, "")

/** `abcd-efgh-jkmn`: 12 characters from an alphabet without look-alikes (about 60 bits). */
export const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
export const formatRecoveryCode = (raw: string): string => `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`
