// The yardstick of bench/http.ts: a bare node:http + pg + jose server doing the same authorised reads as
// BrainOps on the same database, by hand, with none of the framework. It runs in a process of its own
// (like BrainOps), so it never shares the load generator's event loop.
//
// Per authenticated request it does what BrainOps does before its handler runs, minus the rate-limit
// count: the same HS256 JWT check (jose, same algorithm, issuer, audience and required claims; a token
// verified once is remembered with its expiry, as BrainOps does), then the session joined with its user
// in one query (live: not revoked, not expired, same user), which BrainOps reads on every request so
// that a logout takes effect at once. Then, for GET /api/v1/projects/{id}/tasks, the project joined
// with the caller's membership in one query and the task query with the same SQL, order and limit + 1
// as TaskRepositorySql (sort -created_at), answering the same JSON: {items: [TaskResponse], next_cursor}.
//
// Env: DATABASE_URL, JWT_SECRET, HOST, PORT (0: any), DATABASE_POOL_SIZE (10, as BrainOps's default).
// Prints "listening <port>" on stdout once it listens.
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as jose from "jose"
import pg from "pg"

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback
  if (value === undefined || value === "") throw new Error(`bare server: ${name} is not set`)
  return value
}

// `date` as the "YYYY-MM-DD" text it is (pg would make a local-midnight Date of it), as sql-pg hands it over.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)

const pool = new pg.Pool({ connectionString: env("DATABASE_URL"), max: Number(env("DATABASE_POOL_SIZE", "10")), application_name: "bench-bare" })
const key = new TextEncoder().encode(env("JWT_SECRET"))
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TASKS_PATH = /^\/api\/v1\/projects\/([^/]+)\/tasks$/

class Refused extends Error {
  constructor(readonly status: number, detail: string) {
    super(detail)
  }
}

/** Tokens verified once, by their text, with their `exp` (as BrainOps's AccessTokensJose keeps them). */
const verified = new Map<string, { readonly userId: string; readonly sessionId: string; readonly exp: number }>()

/** Bearer JWT → the live session's user row, or a 401. */
const authenticate = async (req: http.IncomingMessage) => {
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim()
  if (token === undefined) throw new Refused(401, "Not authenticated")
  let claims = verified.get(token)
  if (claims !== undefined && Math.floor(Date.now() / 1000) >= claims.exp) throw new Refused(401, "Not authenticated")
  if (claims === undefined) {
    let payload: jose.JWTPayload
    try {
      ;({ payload } = await jose.jwtVerify(token, key, {
        algorithms: ["HS256"],
        issuer: "brainops",
        audience: "brainops-api",
        requiredClaims: ["sub", "sid", "exp", "iat", "jti"]
      }))
    } catch {
      throw new Refused(401, "Not authenticated")
    }
    const userId = payload.sub
    const sessionId = payload["sid"]
    if (typeof userId !== "string" || !UUID.test(userId) || typeof sessionId !== "string" || !UUID.test(sessionId)) {
      throw new Refused(401, "Not authenticated")
    }
    claims = { userId, sessionId, exp: payload.exp! }
    if (verified.size >= 10_000) verified.delete(verified.keys().next().value!)
    verified.set(token, claims)
  }
  // The session and its user in one read, as BrainOps's findForAuthentication.
  const row = (await pool.query(
    `SELECT s.user_id, s.revoked_at, s.expires_at, u.id, u.email, u.name, u.role, u.email_verified_at, u.created_at
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
    [claims.sessionId]
  )).rows[0]
  if (row === undefined || row.user_id !== claims.userId || row.revoked_at !== null || !(row.expires_at > new Date())) {
    throw new Refused(401, "Not authenticated")
  }
  return row
}

const me = async (req: http.IncomingMessage) => {
  const user = await authenticate(req)
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    email_verified: user.email_verified_at !== null,
    created_at: user.created_at.toISOString()
  }
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString())

const listTasks = async (req: http.IncomingMessage, projectId: string, query: URLSearchParams) => {
  const user = await authenticate(req)
  if (!UUID.test(projectId)) throw new Refused(422, "id: not a UUID")
  const limitText = query.get("limit") ?? "20"
  const limit = Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Refused(422, "limit must be between 1 and 100")
  // The project with the caller's membership in one read, as BrainOps's ProjectRepository.access.
  const project = (await pool.query(
    "SELECT p.*, m.role AS member_role FROM project_members m JOIN projects p ON p.id = m.project_id WHERE m.project_id = $1 AND m.user_id = $2",
    [projectId, user.id]
  )).rows[0]
  if (project === undefined) throw new Refused(404, "Project not found")
  const { rows } = await pool.query(
    `SELECT t.id, t.project_id, t.title, t.description, t.status, t.priority, t.labels,
            t.due_date, t.position, t.completed_at, t.created_by,
            t.created_at, t.updated_at, t.version,
            COALESCE((SELECT array_agg(a.user_id::text ORDER BY a.user_id) FROM task_assignees a WHERE a.task_id = t.id), '{}') AS assignee_ids,
            COALESCE((SELECT array_agg(d.blocked_by_task_id::text ORDER BY d.blocked_by_task_id) FROM task_dependencies d WHERE d.task_id = t.id), '{}') AS blocked_by
     FROM tasks t WHERE (t.project_id = $1) ORDER BY t.created_at DESC, t.id DESC LIMIT $2`,
    [projectId, limit + 1]
  )
  const items = rows.slice(0, limit).map((t) => ({
    id: t.id,
    project_id: t.project_id,
    title: t.title,
    description: t.description,
    status: t.status,
    priority: t.priority,
    assignee_ids: t.assignee_ids,
    labels: t.labels,
    due_date: t.due_date,
    position: t.position,
    blocked_by: t.blocked_by,
    completed_at: iso(t.completed_at),
    created_by: t.created_by,
    created_at: t.created_at.toISOString(),
    updated_at: t.updated_at.toISOString(),
    version: t.version
  }))
  const last = rows.length > limit ? rows[limit - 1] : undefined
  return {
    items,
    next_cursor: last === undefined
      ? null
      : Buffer.from(JSON.stringify({ k: last.created_at.getTime(), id: last.id, s: "-created_at" })).toString("base64url")
  }
}

const send = (res: http.ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-request-id": randomUUID(),
    "cache-control": "no-store"
  })
  res.end(text)
}

const route = async (req: http.IncomingMessage): Promise<unknown> => {
  const url = new URL(req.url ?? "/", "http://localhost")
  if (req.method !== "GET") throw new Refused(405, "Method not allowed")
  if (url.pathname === "/health") return { status: "ok" }
  if (url.pathname === "/api/v1/auth/me") return me(req)
  const tasks = TASKS_PATH.exec(url.pathname)
  if (tasks?.[1] !== undefined) return listTasks(req, tasks[1], url.searchParams)
  throw new Refused(404, "Not found")
}

const server = http.createServer((req, res) => {
  route(req).then(
    (body) => send(res, 200, body),
    (error: unknown) => {
      if (error instanceof Refused) send(res, error.status, { detail: error.message })
      else {
        console.error(error)
        send(res, 500, { detail: "Internal server error" })
      }
    }
  )
})
server.keepAliveTimeout = 5_000
server.listen(Number(env("PORT", "0")), env("HOST", "127.0.0.1"), () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`)
})
const stop = () => server.close(() => void pool.end().finally(() => process.exit(0)))
process.once("SIGTERM", stop)
process.once("SIGINT", stop)
