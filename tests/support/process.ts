import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as net from "node:net"
import { afterAll } from "vitest"

// The npm scripts' launcher (it builds the sources, then runs the entry), in this very Node (the
// project's Node 24, which `npx vitest` runs on): never a `node` looked up on PATH, which may be the
// system's older one (argon2 crashes it).
const LAUNCHER = fileURLToPath(new URL("../../bootstrap/launch.mjs", import.meta.url))

export interface Spawned {
  readonly child: ChildProcess
  readonly output: () => string
  readonly exited: Promise<number | null>
}

const alive = new Set<Spawned>()

/** Runs an entry point (the launcher's `server`, `worker` or `cli`) the way `npm start` / `npm run cli` do. */
export const spawnEntry = (entry: "server" | "worker" | "cli", args: ReadonlyArray<string>, env: Record<string, string>): Spawned => {
  const child = spawn(process.execPath, [LAUNCHER, entry, ...args], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that killTree reaches whatever it starts (workers, a CLI's children).
    detached: true
  })
  let output = ""
  child.stdout!.on("data", (chunk) => (output += chunk))
  child.stderr!.on("data", (chunk) => (output += chunk))
  const spawned: Spawned = {
    child,
    output: () => output,
    exited: new Promise((resolve) =>
      child.on("exit", (code) => {
        // Killed by a signal, it may leave children of its own behind: the group is still killed.
        if (code !== null) alive.delete(spawned)
        resolve(code)
      })
    )
  }
  alive.add(spawned)
  return spawned
}

/**
 * Kills the entry point and everything it started. Killing only the entry point may leave what it
 * started running as orphans that hold CPU and ports, and slow every later test on the machine.
 */
export const killTree = (spawned: Spawned) => {
  alive.delete(spawned)
  if (spawned.child.pid === undefined) return
  try {
    process.kill(-spawned.child.pid, "SIGKILL")
  } catch {
    // the group is already gone
  }
}

// A test that failed (or timed out) before its own cleanup still takes its process groups with it:
// after the file's tests, and in any case when this worker exits.
const killAll = () => {
  for (const spawned of [...alive]) killTree(spawned)
}
afterAll(killAll)
process.once("exit", killAll)

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on("error", reject)
  })

export const waitForHealth = async (port: number, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`no /health on port ${port} within ${timeoutMs} ms`)
}

export const within = <A>(promise: Promise<A>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms))])
