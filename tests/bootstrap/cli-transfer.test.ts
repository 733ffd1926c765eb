import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, expect, it } from "vitest"
import { spawnEntry, within } from "../support/process.js"
import { scratchDir } from "../support/scratch.js"

const dataDir = scratchDir("cli-")
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

const cli = async (...args: Array<string>) => {
  const run = spawnEntry("cli", args, { BRAINOPS_DATA_DIR: dataDir, LOG_LEVEL: "warning" })
  const code = await within(run.exited, 90_000, `cli ${args[0]}`)
  return { code, output: run.output() }
}

it("imports a file for a user with progress, reports bad lines, and exports to a file", async () => {
  expect((await cli("create-admin", "--email", "cli@example.com", "--password", "a long admin password")).code).toBe(0)
  const input = path.join(dataDir, "notes.jsonl")
  fs.writeFileSync(input, [
    JSON.stringify({ content: "The spare key is under the blue pot." }),
    JSON.stringify({ content: "Water the basil on Sundays.", tags: ["garden"] }),
    "not json at all",
    JSON.stringify({ content: "Call the plumber about the leak." }),
    JSON.stringify({ content: "Renew the passport before June." })
  ].join("\n"))
  const imported = await cli("import", input, "--user", "cli@example.com")
  expect(imported.code, imported.output).toBe(0)
  expect(imported.output).toContain("imported 4 of 5 records (0 already there, 1 invalid)")
  expect(imported.output).toContain("line 3: not valid JSON")
  // Not a terminal: plain progress lines, no bar redrawn in place.
  expect(imported.output).toMatch(/100% 5 of 5 records/)

  const out = path.join(dataDir, "out.jsonl")
  const exported = await cli("export", "--user", "cli@example.com", "--out", out)
  expect(exported.code, exported.output).toBe(0)
  expect(exported.output).toContain(`exported 4 memories to ${out}`)
  const lines = fs.readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l))
  expect(lines.map((l) => l.content).sort()).toEqual([
    "Call the plumber about the leak.",
    "Renew the passport before June.",
    "The spare key is under the blue pot.",
    "Water the basil on Sundays."
  ])

  const unknownUser = await cli("import", input, "--user", "nobody@example.com")
  expect([unknownUser.code, unknownUser.output.includes("no user with the email nobody@example.com")]).toEqual([1, true])
  const badArgs = await cli("import")
  expect(badArgs.code).toBe(2)
  expect(badArgs.output).toContain("import needs a FILE")
}, 300_000)
