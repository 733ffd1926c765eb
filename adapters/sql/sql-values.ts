/** A `text[]` literal for a parameter (`{"a","b \"c\""}`), quoting every element. */
export const textArray = (values: ReadonlyArray<string>) => `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(",")}}`

/** An ILIKE pattern matching `q` anywhere, with `%`, `_` and `\` taken literally. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
