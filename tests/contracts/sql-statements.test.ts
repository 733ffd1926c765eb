import * as fs from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { migrationFiles } from "../../adapters/sql/migrator.js"
import { splitStatements } from "../../adapters/sql/sql-statements.js"

describe("splitStatements (migrations run one statement at a time)", () => {
  it("splits on semicolons and trims, dropping empty statements", () => {
    expect(splitStatements("CREATE TABLE a (id int);\n\n  INSERT INTO a VALUES (1) ;;\n")).toEqual([
      "CREATE TABLE a (id int)",
      "INSERT INTO a VALUES (1)"
    ])
  })

  it("keeps a last statement without a semicolon", () => {
    expect(splitStatements("SELECT 1; SELECT 2")).toEqual(["SELECT 1", "SELECT 2"])
  })

  it("keeps a DO $$ … $$ block whole, semicolons and nested $tag$ bodies included", () => {
    const block = `DO $$
BEGIN
  IF true THEN
    EXECUTE $ddl$ CREATE TABLE x (a text DEFAULT ';') $ddl$;
    PERFORM 1;
  END IF;
END
$$`
    expect(splitStatements(`${block};\nSELECT 2;`)).toEqual([block, "SELECT 2"])
  })

  it("keeps a $tag$ function body whole, and a $$ inside it is only text", () => {
    const fn = "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT '$$;' $body$"
    expect(splitStatements(`${fn}; SELECT f();`)).toEqual([fn, "SELECT f()"])
  })

  it("ignores semicolons in single-quoted strings, doubled quotes and E'' escapes included", () => {
    expect(splitStatements("SELECT 'a;b', 'it''s;'; SELECT E'\\';' AS c; SELECT 3")).toEqual([
      "SELECT 'a;b', 'it''s;'",
      "SELECT E'\\';' AS c",
      "SELECT 3"
    ])
  })

  it("a backslash ends nothing in a standard string", () => {
    expect(splitStatements("SELECT 'C:\\'; SELECT 2")).toEqual(["SELECT 'C:\\'", "SELECT 2"])
  })

  it("ignores semicolons in double-quoted identifiers", () => {
    expect(splitStatements(`CREATE TABLE "odd;name" ("x""y;" int); SELECT 1`)).toEqual([
      `CREATE TABLE "odd;name" ("x""y;" int)`,
      "SELECT 1"
    ])
  })

  it("ignores semicolons in -- and /* */ comments (nested, as PostgreSQL nests them), and keeps comments with their statement", () => {
    expect(splitStatements("-- first; still a comment\nSELECT 1 /* a; /* nested; */ b; */ + 1;\n-- only a comment;\n")).toEqual([
      "-- first; still a comment\nSELECT 1 /* a; /* nested; */ b; */ + 1"
    ])
  })

  it("does not take $1 parameters, a$b$ identifiers or a $ in a regular expression for dollar quotes", () => {
    expect(splitStatements("SELECT $1, a$b$ FROM t; SELECT 2")).toEqual(["SELECT $1, a$b$ FROM t", "SELECT 2"])
    expect(splitStatements("CREATE TABLE p (c text CHECK (c ~ '^[a-z]{3}$')); SELECT 2")).toEqual([
      "CREATE TABLE p (c text CHECK (c ~ '^[a-z]{3}$'))",
      "SELECT 2"
    ])
  })

  it("splits every migration file into statements, none of them empty or only a comment", () => {
    const files = migrationFiles()
    expect(files.length).toBeGreaterThan(0)
    for (const { file } of files) {
      const statements = splitStatements(fs.readFileSync(file, "utf8"))
      expect(statements.length, file).toBeGreaterThan(0)
      for (const statement of statements) {
        expect(statement.replace(/--.*$/gm, "").trim(), file).not.toBe("")
      }
    }
    const chunks = files.find((f) => f.name === "memory_chunks")!
    const doBlock = splitStatements(fs.readFileSync(chunks.file, "utf8"))
    expect(doBlock).toHaveLength(1)
    expect(doBlock[0]).toMatch(/^-- [\s\S]*DO \$\$[\s\S]*END\n\$\$$/)
  })
})
