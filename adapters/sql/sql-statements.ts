const isIdentifierChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_$]/u.test(c)
const DOLLAR_TAG = /\$(?:[\p{L}_][\p{L}\p{N}_]*)?\$/uy

/**
 * Splits a file of SQL into its statements, for a driver that takes one statement at a time
 * (sql-pg speaks only the extended protocol). A `;` ends a statement only outside a quoted string
 * ('…', E'…' with backslash escapes), a quoted identifier ("…"), a dollar-quoted body ($$…$$,
 * $tag$…$tag$: a `DO` block or a function stays whole) and a comment (-- to the end of the line,
 * /* … *\/ nested as PostgreSQL nests them). Statements are answered trimmed, with the comments
 * inside or before them kept; what holds nothing but comments and blanks is dropped.
 */
export const splitStatements = (text: string): Array<string> => {
  const statements: Array<string> = []
  let start = 0
  let hasCode = false
  let i = 0
  const end = (at: number) => {
    if (hasCode) statements.push(text.slice(start, at).trim())
    start = at + 1
    hasCode = false
  }
  while (i < text.length) {
    const c = text[i]!
    const next = text[i + 1]
    if (c === "-" && next === "-") {
      const newline = text.indexOf("\n", i)
      i = newline === -1 ? text.length : newline + 1
    } else if (c === "/" && next === "*") {
      let depth = 1
      i += 2
      while (i < text.length && depth > 0) {
        if (text[i] === "/" && text[i + 1] === "*") {
          depth++
          i += 2
        } else if (text[i] === "*" && text[i + 1] === "/") {
          depth--
          i += 2
        } else i++
      }
    } else if (c === "'" || c === "\"") {
      // E'…' strings take backslash escapes; standard strings and identifiers only doubled quotes.
      const backslashes = c === "'" && /[eE]/.test(text[i - 1] ?? "") && !isIdentifierChar(text[i - 2])
      hasCode = true
      i++
      while (i < text.length) {
        if (backslashes && text[i] === "\\") i += 2
        else if (text[i] === c && text[i + 1] === c) i += 2
        else if (text[i] === c) break
        else i++
      }
      i++
    } else if (c === "$" && !isIdentifierChar(text[i - 1])) {
      // $1 is a parameter, not a tag; a$b$ is an identifier.
      DOLLAR_TAG.lastIndex = i
      const tag = DOLLAR_TAG.exec(text)?.[0]
      const close = tag === undefined ? i : text.indexOf(tag, i + tag.length)
      hasCode = true
      i = tag === undefined ? i + 1 : close === -1 ? text.length : close + tag.length
    } else if (c === ";") {
      end(i)
      i++
    } else {
      if (!/\s/.test(c)) hasCode = true
      i++
    }
  }
  end(text.length)
  return statements
}
