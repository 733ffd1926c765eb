import { type Schema, SchemaIssue } from "effect"

export interface FieldIssue {
  readonly path: string
  readonly message: string
}

const standard = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * A decoding failure as one `{ path, message }` per problem, read from the issue tree by Effect's own
 * formatter (never by scraping the error's text). `path` is dotted (`tags.0`); a problem with the
 * value as a whole is reported under `root`.
 */
export const fieldIssues = (error: Schema.SchemaError, root = "body"): ReadonlyArray<FieldIssue> =>
  standard(error.issue).issues.map((issue) => {
    const path = (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment))
    return { path: path.length === 0 ? root : path.join("."), message: issue.message }
  })
