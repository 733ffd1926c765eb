import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { lockDataDir } from "../../adapters/sql/data-dir-lock.js"
import { scratchDir } from "../support/scratch.js"

const tempDir = () => scratchDir("lock-")

describe("data folder lock", () => {
  it.effect("is held for the scope and released after it", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const scope = yield* Scope.make()
      yield* lockDataDir(dir).pipe(Scope.provide(scope))
      expect(fs.readFileSync(path.join(dir, "brainops.lock"), "utf8")).toBe(String(process.pid))
      yield* Scope.close(scope, Exit.void)
      expect(fs.existsSync(path.join(dir, "brainops.lock"))).toBe(false)
    }))

  it.effect("refuses a folder locked by a live process, naming it", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, "brainops.lock"), String(process.ppid))
      const error = yield* Effect.flip(Effect.scoped(lockDataDir(dir)))
      expect(error._tag).toBe("DataDirInUse")
      expect(error.message).toContain(`pid ${process.ppid}`)
      expect(error.message).toContain("single-process")
    }))

  it.effect("takes over a lock left by a process that died", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, "brainops.lock"), "999999999")
      yield* Effect.scoped(
        Effect.andThen(
          lockDataDir(dir),
          Effect.sync(() => expect(fs.readFileSync(path.join(dir, "brainops.lock"), "utf8")).toBe(String(process.pid)))
        )
      )
    }))
})
