import { Schema } from "effect"
import { hasLoneSurrogate } from "../shared/text.js"

/**
 * NUL and the other C0 and C1 control characters: no name or address needs them, and PostgreSQL
 * refuses NUL in text outright.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/**
 * Characters that render as nothing (zero-width space, joiners, word joiner, byte order mark) or
 * reorder what is shown (bidi embeddings, overrides, isolates and marks): in an address they make
 * two accounts look alike.
 */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/

export const hasControlOrBrokenText = (s: string) => CONTROL.test(s) || hasLoneSurrogate(s)

/** Text a person typed as one line: no control characters, no lone surrogates. */
export const isPlainText = (field: string) =>
  Schema.makeFilter((s: string) => !hasControlOrBrokenText(s) || `${field} must not contain control characters or broken (lone surrogate) text`)

/** isPlainText, and nothing invisible either (for identifiers people compare by eye: emails). */
export const isVisibleText = (field: string) =>
  Schema.makeFilter((s: string) =>
    (!hasControlOrBrokenText(s) && !INVISIBLE.test(s)) || `${field} must not contain invisible or control characters`)
