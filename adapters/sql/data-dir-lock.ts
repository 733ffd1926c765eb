import * as fs from "node:fs"
import * as path from "node:path"
import { Data, Effect } from "effect"

export class DataDirInUse extends Data.TaggedError("DataDirInUse")<{ readonly dataDir: string; readonly pid: number }> {
  override get message() {
    return `The data folder ${this.dataDir} is in use by another BrainOps process (pid ${this.pid}). ` +
      `PGlite is single-process: stop that process first, or point BRAINOPS_DATA_DIR elsewhere.`
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * An exclusive lock on a PGlite data folder for the life of the scope: a lock file created with O_EXCL
 * holding our pid. A lock left by a process that died is taken over; one held by a live process
 * refuses at once, because two PGlite instances on one folder corrupt it.
 */
export const lockDataDir = (dataDir: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        fs.mkdirSync(dataDir, { recursive: true })
        const lockFile = path.join(dataDir, "brainops.lock")
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            fs.writeFileSync(lockFile, String(process.pid), { flag: "wx", mode: 0o600 })
            return lockFile
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
            const holder = Number.parseInt(fs.readFileSync(lockFile, "utf8"), 10)
            if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
              throw new DataDirInUse({ dataDir, pid: holder })
            }
            fs.rmSync(lockFile, { force: true })
          }
        }
        throw new Error(`could not lock the data folder ${dataDir}`)
      },
      catch: (error) => error instanceof DataDirInUse ? error : new DataDirInUse({ dataDir, pid: -1 })
    }),
    (lockFile) => Effect.sync(() => fs.rmSync(lockFile, { force: true }))
  )
