import * as fs from "node:fs"
import * as http from "node:http"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { freePort, killTree, type Spawned, spawnEntry, waitForHealth, within } from "../support/process.js"
import { scratchDir } from "../support/scratch.js"

const dataDir = scratchDir("process-")
const running: Array<Spawned> = []
afterAll(() => {
  for (const p of running) killTree(p)
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const start = async (env: Record<string, string> = {}) => {
  const port = await freePort()
  const server = spawnEntry("server", [], { PORT: String(port), HOST: "127.0.0.1", BRAINOPS_DATA_DIR: dataDir, ...env })
  running.push(server)
  await waitForHealth(port)
  return { server, url: (p: string) => `http://127.0.0.1:${port}${p}` }
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const credentials = { email: "ops@example.com", password: "an operator password" }

// One embedded server process after another on the same data folder, the way a user runs `npm start`.
// Each test starts processes (tsx, PGlite, migrations): on two busy cores that alone can take 20 s.
describe("the server process (embedded profile)", { timeout: 120_000 }, () => {
  it("refuses a bad setting at startup with a message naming it", async () => {
    const bad = spawnEntry("server", [], { PORT: "not-a-port", BRAINOPS_DATA_DIR: dataDir })
    expect(await within(bad.exited, 20_000, "exit")).toBe(1)
    expect(bad.output()).toContain("BrainOps cannot start: invalid configuration")
    expect(bad.output()).toContain("PORT")
  })

  it("keeps the data folder to itself, finishes in-flight requests on SIGTERM, and exits cleanly", async () => {
    const { server, url } = await start({ BRAINOPS_ADMIN_EMAIL: "root@example.com", BRAINOPS_ADMIN_PASSWORD: "root password 1" })
    expect(server.output()).toContain("admin root@example.com: created")
    expect((await post(url("/api/v1/auth/register"), { ...credentials, name: "Ops" })).status).toBe(201)

    // A second process on the same folder (here the CLI) is refused at once.
    const cli = spawnEntry("cli", ["migrate"], { BRAINOPS_DATA_DIR: dataDir })
    expect(await within(cli.exited, 20_000, "cli exit")).toBe(1)
    expect(cli.output()).toContain("is in use by another BrainOps process")

    // A login whose body is still arriving when SIGTERM comes: the request is certainly in flight.
    const body = JSON.stringify(credentials)
    const { port } = new URL(url("/"))
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, method: "POST", path: "/api/v1/auth/login", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res) => {
          let text = ""
          res.on("data", (chunk) => (text += chunk))
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }))
        }
      )
      req.on("error", reject)
      req.write(body.slice(0, 10))
      setTimeout(() => {
        server.child.kill("SIGTERM")
        setTimeout(() => req.end(body.slice(10)), 300)
      }, 300)
    })
    const response = await within(inFlight, 10_000, "in-flight login")
    expect(response.status).toBe(200)
    expect((JSON.parse(response.text) as { token_type: string }).token_type).toBe("bearer")
    expect(await within(server.exited, 15_000, "server exit")).toBe(0)
    expect(server.output()).toContain("SIGTERM: shutting down")
    expect(fs.existsSync(path.join(dataDir, "brainops.lock"))).toBe(false)
  })

  it("starts again on the same folder with its data and secrets, and the CLI can then use it", async () => {
    const { server, url } = await start()
    const login = await post(url("/api/v1/auth/login"), credentials)
    expect(login.status).toBe(200)
    const admin = await post(url("/api/v1/auth/login"), { email: "root@example.com", password: "root password 1" })
    const token = ((await admin.json()) as { access_token: string }).access_token
    const me = await fetch(url("/api/v1/auth/me"), { headers: { authorization: `Bearer ${token}` } })
    expect(((await me.json()) as { role: string }).role).toBe("admin")
    server.child.kill("SIGINT")
    expect(await within(server.exited, 15_000, "server exit")).toBe(0)

    const promote = spawnEntry("cli", ["create-admin", "--email", credentials.email, "--password", "ignored password"], {
      BRAINOPS_DATA_DIR: dataDir
    })
    expect(await within(promote.exited, 30_000, "cli exit")).toBe(0)
    expect(promote.output()).toContain(`admin ${credentials.email}: promoted`)
  })
})
