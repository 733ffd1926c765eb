import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import { ADMIN, loginAs, MAIL_ENV, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"
import { approvedProduct, PASSWORD, verifiedUser } from "../support/marketplace-http.js"

/**
 * Property: no input gives a 5xx. Every operation of the OpenAPI document (generated from the same
 * Schemas as the API) gets requests whose every field, query parameter and (sometimes) path
 * parameter is generated from its schema with hostile strings and numbers mixed in: NUL, unpaired
 * surrogates, bidi controls, SQL and path tricks, huge numbers, impossible dates, crafted cursors.
 */

type JsonSchema = Record<string, any>

const crafted = (json: string) => Buffer.from(json).toString("base64url")

const NASTY = [
  "\u0000", "a\u0000b", "\ud800", "x\udfff", "\udbff\u0000", "\u202eevil", "\u200b", "\ufeff",
  "'; DROP TABLE users; --", "%00", "../../etc/passwd", "<script>alert(1)</script>", "😀", "", " ", "\n",
  "{{7*7}}", "null", "0", "-1", "9".repeat(400), "ａ", "2030-02-30", "0000-01-01", "1e400", "NaN",
  crafted(`{"at":0,"id":"x"}`), crafted(`{"at":1e400,"id":"0190c6a0-0000-7000-8000-000000000000"}`), crafted(`{"at":-1e20}`)
]

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, fc.constantFrom("a", "\u0000", "é")), maxLength: 8 }) },
  { weight: 1, arbitrary: fc.uuid() }
)
const hostileNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, 1.5, 1e21))

const resolve = (document: JsonSchema, schema: JsonSchema): JsonSchema =>
  typeof schema.$ref === "string" ? resolve(document, schema.$ref.split("/").slice(1).reduce((at: any, key: string) => at[key], document)) : schema

/** Values for a JSON schema: what it asks for, or something hostile in its place. */
const valueOf = (document: JsonSchema, raw: JsonSchema, depth = 0): fc.Arbitrary<unknown> => {
  const schema = resolve(document, raw)
  const alternatives = schema.anyOf ?? schema.oneOf
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((s: JsonSchema) => valueOf(document, s, depth)))
  if (Array.isArray(schema.enum)) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: hostileString })
  const hostile = fc.oneof(hostileString, hostileNumber, fc.constant(null), fc.boolean())
  if (depth > 4) return hostile
  switch (schema.type) {
    case "string":
      return fc.oneof({ weight: 3, arbitrary: schema.format === "uuid" ? fc.oneof(fc.uuid(), hostileString) : hostileString }, { weight: 1, arbitrary: hostile })
    case "integer":
    case "number":
      return fc.oneof({ weight: 3, arbitrary: hostileNumber }, { weight: 1, arbitrary: hostile })
    case "boolean":
      return fc.oneof(fc.boolean(), hostile)
    case "array":
      return fc.array(valueOf(document, schema.items ?? {}, depth + 1), { maxLength: 3 })
    case "object": {
      const properties: Record<string, JsonSchema> = schema.properties ?? {}
      const known = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, valueOf(document, s, depth + 1)])),
        { requiredKeys: [] }
      )
      return fc.tuple(known, fc.dictionary(hostileString, hostile, { maxKeys: 2 })).map(([k, extra]) => ({ ...extra, ...k }))
    }
    default:
      return hostile
  }
}

/** A path segment for any string: one with an unpaired surrogate goes out as invalid UTF-8 bytes. */
const pathSegment = (text: string) => {
  try {
    return encodeURIComponent(text)
  } catch {
    return `${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ""))}%ED%A0%80`
  }
}

interface Operation {
  readonly method: string
  readonly path: string
  readonly query: ReadonlyArray<{ readonly name: string; readonly schema: JsonSchema }>
  readonly body: JsonSchema | undefined
}

const operationsOf = (document: JsonSchema): ReadonlyArray<Operation> =>
  Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ["get", "post", "patch", "put", "delete"].includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        query: (op.parameters ?? []).filter((p: any) => p.in === "query").map((p: any) => ({ name: p.name, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.["application/json"]?.schema
      }))
  )

/** Reads first, then writes, then what archives or deletes the objects the others use. */
const rank = (op: Operation) =>
  op.method === "GET" ? 0 : op.method === "DELETE" ? 3 : /archive|restore|transfer|logout|sessions|change-password|disable/.test(op.path) ? 2 : 1

layer(TestServerLive(MAIL_ENV), { timeout: "300 seconds", excludeTestServices: true })("HTTP: property — no input gives a 5xx", (it) => {
  it.effect("every operation, fields from its schema with hostile values: never a 5xx", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const seller = yield* verifiedUser("fuzz-seller")
      const productId = yield* approvedProduct(seller)
      const email = uniqueEmail("fuzz")
      yield* register(email, PASSWORD)
      const other = uniqueEmail("fuzz-other")
      const otherId = (yield* register(other, PASSWORD)).body.id as string
      const token = (yield* loginAs(email, PASSWORD)).access_token
      const post = (path: string, json: unknown) => Effect.map(request(server.url(`/api/v1${path}`), { method: "POST", token, json }), (r) => r.body.id as string)
      const project = yield* post("/projects", { name: "Fuzzed" })
      const task = yield* post(`/projects/${project}/tasks`, { title: "Fuzzed task" })
      const comment = yield* post(`/projects/${project}/tasks/${task}/comments`, { body: "Fuzzed comment" })
      const collection = yield* post("/memories/collections", { name: "Fuzzed" })
      const memory = yield* post("/memories", { content: "Fuzzed memory", collection_id: collection })
      const document = (yield* request(server.url("/openapi.json"))).body
      const operations = [...operationsOf(document)].sort((a, b) => rank(a) - rank(b))
      expect(operations.length).toBeGreaterThanOrEqual(100)

      /** Real objects of the caller where a path names one, so that handlers run past their lookups. */
      const pathFor = (template: string) =>
        template
          .replace(/^\/api\/v1\/projects\/\{id\}/, `/api/v1/projects/${project}`)
          .replace("{task_id}", task)
          .replace("{comment_id}", comment)
          .replace(/^\/api\/v1\/memories\/collections\/\{id\}/, `/api/v1/memories/collections/${collection}`)
          .replace(/^\/api\/v1\/memories\/\{id\}/, `/api/v1/memories/${memory}`)
          .replace(/^\/api\/v1\/marketplace\/products\/\{id\}/, `/api/v1/marketplace/products/${productId}`)
          .replace("{user_id}", otherId)

      const failures: Array<string> = []
      const admin = (yield* loginAs(ADMIN.email, ADMIN.password)).access_token
      let user = token
      for (const op of operations) {
        // What may end the session (logout, change-password, ending sessions) runs on a session of its own.
        if (rank(op) >= 2) user = (yield* loginAs(email, PASSWORD)).access_token
        const bearer = op.path.includes("/admin/") ? admin : user
        const requests = fc.record({
          query: fc.record(Object.fromEntries(op.query.map((q) => [q.name, valueOf(document, q.schema)])), { requiredKeys: [] }),
          body: op.body === undefined ? fc.constant(undefined) : valueOf(document, op.body),
          hostilePath: fc.option(hostileString, { freq: 4 })
        })
        const samples = fc.sample(requests, { numRuns: 4 })
        for (const sample of samples) {
          const filled = pathFor(op.path).replace(/\{[^}]+\}/g, () => crypto.randomUUID())
          const path = sample.hostilePath === null ? filled : filled.replace(/[0-9a-f-]{36}(?=[^/]*$)/, pathSegment(sample.hostilePath))
          const query = new URLSearchParams(Object.entries(sample.query).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : JSON.stringify(v)]))
          const url = server.url(`${path}${query.size > 0 ? `?${query}` : ""}`)
          // JSON.stringify writes an unpaired surrogate as an escape (\ud800): the request carries it as a client would.
          const body = sample.body === undefined ? (op.method === "GET" || op.method === "DELETE" ? undefined : "{}") : JSON.stringify(sample.body)
          const response = yield* request(url, {
            method: op.method,
            token: bearer,
            ...(body !== undefined ? { body, headers: { "content-type": "application/json" } } : {})
          })
          if (response.status >= 500) failures.push(`${op.method} ${url} ${body ?? ""} → ${response.status} ${JSON.stringify(response.body)}`)
        }
      }
      expect(failures).toEqual([])
      expect((yield* request(server.url("/health"))).status).toBe(200)
    }), { timeout: 240_000 })
})
