import * as fs from "node:fs"
import * as path from "node:path"
import { Data, Effect } from "effect"

export class DataDirInUse extends Data.TaggedError("DataDirInUse")<{ readonly dataDir: string; readonly pid: number }> {
  override get message() {
    return `The data folder ${this.dataDir} is in use by another BrainOps process (pid ${this.pid}). ` +
      `PGlite is single-process: stop that process first, or point BRAINOPS_DATA_DIR elsewhere.`
  }
}

/**
 * A process killed (SIGKILL, a crash) stays a zombie until its parent or init reaps it, and a zombie
 * still answers kill(pid, 0); it holds no files any more, so its lock is stale. In a container whose
 * PID 1 reaps slowly, a restart right after a crash would otherwise be refused. Where there is no
 * /proc, the answer of kill(pid, 0) stands.
 */
const isZombie = (pid: number): boolean => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z"
  } catch {
    return false
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return !isZombie(pid)
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
