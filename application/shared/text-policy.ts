import { hasLoneSurrogate } from "../../domain/shared/text.js"
import type { FieldIssue } from "./schema-issues.js"

/**
 * What text BrainOps accepts, decided once for every request at the HTTP boundary (and by the import
 * decoder for each record): any Unicode text except the NUL character (U+0000) and unpaired UTF-16
 * surrogates (U+D800–U+DFFF alone). PostgreSQL can store neither (`invalid byte sequence for encoding
 * "UTF8": 0x00`, `unsupported Unicode escape sequence`), and no client means them. They are refused
 * with 422 naming the field, never stripped: a silently changed value is worse than a clear refusal.
 * JSON is also bounded in depth: nothing of the API nests deeper than a few levels, and a document
 * 5,000 levels deep overflowed the stack of recursive code further in.
 */
export const MAX_JSON_DEPTH = 32

const NUL = "\u0000"

/** Why `text` is refused, or undefined when it is acceptable. */
export const textProblem = (text: string): string | undefined =>
  text.includes(NUL)
    ? "must not contain the NUL character (U+0000)"
    : hasLoneSurrogate(text)
    ? "must not contain an unpaired UTF-16 surrogate (U+D800–U+DFFF)"
    : undefined

const join = (path: string, key: string | number) => (path === "" ? String(key) : `${path}.${key}`)

/**
 * The first refused string (value or object key) of a parsed JSON document, or a nesting deeper than
 * MAX_JSON_DEPTH, as a field issue with a dotted path (`metadata.note`, `tags.0`), the same paths as
 * schema errors; `root` names the document itself. Iterative: a hostile depth cannot overflow it.
 */
export const jsonProblem = (document: unknown, root = "body"): FieldIssue | undefined => {
  const stack: Array<{ readonly value: unknown; readonly path: string; readonly depth: number }> = [{ value: document, path: "", depth: 0 }]
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!
    if (typeof value === "string") {
      const problem = textProblem(value)
      if (problem !== undefined) return { path: path === "" ? root : path, message: problem }
    } else if (typeof value === "object" && value !== null) {
      if (depth >= MAX_JSON_DEPTH) return { path: path === "" ? root : path, message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }
      const entries: ReadonlyArray<readonly [string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!
        if (typeof key === "string") {
          const problem = textProblem(key)
          if (problem !== undefined) return { path: path === "" ? root : path, message: `keys ${problem}` }
        }
        stack.push({ value: child, path: join(path, key), depth: depth + 1 })
      }
    }
  }
  return undefined
}

const MAYBE_REFUSED_IN_URL = /[%\u0000\uD800-\uDFFF]/

/** The first refused query parameter (name or value) or path segment of a request URL. */
export const urlProblem = (url: string): FieldIssue | undefined => {
  // Decoding only ever adds a NUL or a surrogate through a percent escape: a URL with neither a `%`
  // nor such a character as such (nearly every URL) has nothing to refuse, and is not split up.
  if (!MAYBE_REFUSED_IN_URL.test(url)) return undefined
  const [rawPath = "", rawQuery = ""] = url.split(/\?(.*)/s)
  for (const segment of rawPath.split("/")) {
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      return { path: "path", message: "is not valid percent-encoded UTF-8" }
    }
    const problem = textProblem(decoded)
    if (problem !== undefined) return { path: "path", message: problem }
  }
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const problem = textProblem(name) ?? textProblem(value)
    if (problem !== undefined) return { path: textProblem(name) === undefined ? name : "query", message: problem }
  }
  return undefined
}
