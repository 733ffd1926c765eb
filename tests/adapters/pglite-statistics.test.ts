import { describe, expect, it } from "@effect/vitest"
import { SqlClient, SqlSchema } from "effect/sql"
import { Effect, Schema } from "effect"
import { TestClock } from "effect/testing"
import { PgliteClient } from "../../adapters/sql/clients.js"

const reltuples = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  SqlSchema.findOne({
    Request: Schema.Void,
    // real (float4): a number.
    Result: Schema.Struct({ reltuples: Schema.Number }),
    execute: () => sql`SELECT reltuples FROM pg_class WHERE relname = 'planner_probe'`
  })(undefined)).pipe(Effect.map((row) => row.reltuples))

describe("PGlite planner statistics", () => {
  it.effect("the embedded client runs ANALYZE a minute after startup (PGlite has no autovacuum to do it)", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE planner_probe (n integer)`
      yield* sql`INSERT INTO planner_probe SELECT generate_series(1, 500)`
      // -1: never analyzed, the planner knows nothing of the table.
      expect(yield* reltuples).toBe(-1)
      yield* TestClock.adjust("59 seconds")
      expect(yield* reltuples).toBe(-1)
      yield* TestClock.adjust("2 seconds")
      // The fiber runs on the adjusted clock; give it the turn to finish its statement.
      for (let i = 0; i < 50 && (yield* reltuples) === -1; i++) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 20)))
      expect(yield* reltuples).toBe(500)
    }).pipe(Effect.provide(PgliteClient("memory://"))), 60_000)
})
