import { spawn } from "node:child_process"
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

  // A server killed with SIGKILL stays a zombie until it is reaped, and a zombie answers kill(pid, 0).
  // `sh` starts a child that exits at once, then becomes `sleep`, which never reaps it: a zombie.
  it.live("takes over a lock whose holder is a zombie (killed, not yet reaped)", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 20"], { stdio: ["ignore", "pipe", "ignore"] })
      try {
        const zombie = yield* Effect.promise(() =>
          new Promise<number>((resolve) => parent.stdout.once("data", (chunk: Buffer) => resolve(Number.parseInt(chunk.toString(), 10))))
        )
        const state = () => fs.readFileSync(`/proc/${zombie}/stat`, "utf8").split(") ")[1]?.[0]
        for (let i = 0; i < 100 && state() !== "Z"; i++) yield* Effect.sleep("50 millis")
        expect(state()).toBe("Z")
        fs.writeFileSync(path.join(dir, "brainops.lock"), String(zombie))
        yield* Effect.scoped(
          Effect.andThen(
            lockDataDir(dir),
            Effect.sync(() => expect(fs.readFileSync(path.join(dir, "brainops.lock"), "utf8")).toBe(String(process.pid)))
          )
        )
      } finally {
        parent.kill("SIGKILL")
      }
    }))
})
