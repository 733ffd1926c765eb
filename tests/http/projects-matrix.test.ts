import { HttpApi } from "effect/http-api"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import { BrainOpsApi } from "../../adapters/http/api.js"
import { loginAs, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"

type Role = "stranger" | "viewer" | "member" | "admin" | "owner"
const ROLES: ReadonlyArray<Role> = ["stranger", "viewer", "member", "admin", "owner"]
/** What a role gets: the call goes through (2xx), or is refused as invisible (404) or forbidden (403). */
type Outcome = "ok" | 403 | 404

interface Fixture {
  readonly projectId: string
  readonly taskId: string
  readonly commentId: string
  readonly targetId: string
  readonly newcomerEmail: string
}

interface Row {
  readonly call: (f: Fixture) => { readonly method: string; readonly path: string; readonly json?: unknown }
  readonly expect: Readonly<Record<Role, Outcome>>
}

const everyone: Record<Role, Outcome> = { stranger: "ok", viewer: "ok", member: "ok", admin: "ok", owner: "ok" }
const readers: Record<Role, Outcome> = { stranger: 404, viewer: "ok", member: "ok", admin: "ok", owner: "ok" }
const writers: Record<Role, Outcome> = { stranger: 404, viewer: 403, member: "ok", admin: "ok", owner: "ok" }
const admins: Record<Role, Outcome> = { stranger: 404, viewer: 403, member: 403, admin: "ok", owner: "ok" }
const ownerOnly: Record<Role, Outcome> = { stranger: 404, viewer: 403, member: 403, admin: 403, owner: "ok" }
const authorOnly: Record<Role, Outcome> = { stranger: 404, viewer: 403, member: "ok", admin: 403, owner: 403 }

const p = (f: Fixture) => `/api/v1/projects/${f.projectId}`
const t = (f: Fixture) => `${p(f)}/tasks/${f.taskId}`

/** One row per projects endpoint: the comment (by the member) and the task are the fixture's. */
const MATRIX: Record<string, Row> = {
  create: { call: () => ({ method: "POST", path: "/api/v1/projects", json: { name: "Mine" } }), expect: everyone },
  list: { call: () => ({ method: "GET", path: "/api/v1/projects" }), expect: everyone },
  get: { call: (f) => ({ method: "GET", path: p(f) }), expect: readers },
  update: { call: (f) => ({ method: "PATCH", path: p(f), json: { name: "Renamed" } }), expect: admins },
  delete: { call: (f) => ({ method: "DELETE", path: p(f) }), expect: ownerOnly },
  archive: { call: (f) => ({ method: "POST", path: `${p(f)}/archive` }), expect: admins },
  restore: { call: (f) => ({ method: "POST", path: `${p(f)}/restore` }), expect: admins },
  transfer: { call: (f) => ({ method: "POST", path: `${p(f)}/transfer`, json: { user_id: f.targetId } }), expect: ownerOnly },
  stats: { call: (f) => ({ method: "GET", path: `${p(f)}/stats` }), expect: readers },
  activity: { call: (f) => ({ method: "GET", path: `${p(f)}/activity` }), expect: readers },
  listMembers: { call: (f) => ({ method: "GET", path: `${p(f)}/members` }), expect: readers },
  addMember: { call: (f) => ({ method: "POST", path: `${p(f)}/members`, json: { email: f.newcomerEmail, role: "viewer" } }), expect: admins },
  changeMemberRole: { call: (f) => ({ method: "PATCH", path: `${p(f)}/members/${f.targetId}`, json: { role: "viewer" } }), expect: admins },
  removeMember: { call: (f) => ({ method: "DELETE", path: `${p(f)}/members/${f.targetId}` }), expect: admins },
  createTask: { call: (f) => ({ method: "POST", path: `${p(f)}/tasks`, json: { title: "New" } }), expect: writers },
  listTasks: { call: (f) => ({ method: "GET", path: `${p(f)}/tasks` }), expect: readers },
  getTask: { call: (f) => ({ method: "GET", path: t(f) }), expect: readers },
  updateTask: { call: (f) => ({ method: "PATCH", path: t(f), json: { version: 1, status: "in_progress" } }), expect: writers },
  deleteTask: { call: (f) => ({ method: "DELETE", path: t(f) }), expect: writers },
  listComments: { call: (f) => ({ method: "GET", path: `${t(f)}/comments` }), expect: readers },
  addComment: { call: (f) => ({ method: "POST", path: `${t(f)}/comments`, json: { body: "hello" } }), expect: writers },
  editComment: { call: (f) => ({ method: "PATCH", path: `${t(f)}/comments/${f.commentId}`, json: { body: "edited" } }), expect: authorOnly },
  deleteComment: {
    call: (f) => ({ method: "DELETE", path: `${t(f)}/comments/${f.commentId}` }),
    expect: { stranger: 404, viewer: 403, member: "ok", admin: "ok", owner: "ok" }
  }
}

const projectEndpoints = () => {
  const names: Array<string> = []
  HttpApi.reflect(BrainOpsApi, {
    onGroup: () => {},
    onEndpoint: ({ endpoint, group }) => {
      if (group.identifier === "projects") names.push(endpoint.identifier)
    }
  })
  return names
}

describe("projects access matrix", () => {
  it("has a row for every projects endpoint (a new endpoint without one fails here)", () => {
    const endpoints = projectEndpoints()
    expect(endpoints.length).toBeGreaterThanOrEqual(23)
    expect(endpoints.filter((name) => !(name in MATRIX))).toEqual([])
    expect(Object.keys(MATRIX).filter((name) => !endpoints.includes(name))).toEqual([])
  })
})

const password = "correct horse battery staple"

layer(TestServerLive(), { timeout: "120 seconds", excludeTestServices: true })("HTTP: projects access matrix", (it) => {
  it.effect("every projects endpoint, as a stranger, a viewer, a member, an admin and the owner", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const people: Record<Role | "target" | "newcomer", { email: string; token: string; id: string }> = {} as never
      for (const who of [...ROLES, "target", "newcomer"] as const) {
        const email = uniqueEmail(who)
        const registered = yield* register(email, password)
        const { access_token } = yield* loginAs(email, password)
        people[who] = { email, token: access_token, id: registered.body.id }
      }
      const as = (who: keyof typeof people, call: { method: string; path: string; json?: unknown }) =>
        request(server.url(call.path), { method: call.method, token: people[who].token, ...(call.json !== undefined ? { json: call.json } : {}) })
      // A fresh project for every call, so that what one call changes cannot decide another's answer.
      const fixture = Effect.gen(function*() {
        const project = yield* as("owner", { method: "POST", path: "/api/v1/projects", json: { name: "Matrix" } })
        const projectId: string = project.body.id
        for (const [who, role] of [["admin", "admin"], ["member", "member"], ["viewer", "viewer"], ["target", "member"]] as const) {
          const added = yield* as("owner", { method: "POST", path: `/api/v1/projects/${projectId}/members`, json: { email: people[who].email, role } })
          expect(added.status).toBe(201)
        }
        const task = yield* as("member", { method: "POST", path: `/api/v1/projects/${projectId}/tasks`, json: { title: "Fixture" } })
        const comment = yield* as("member", { method: "POST", path: `/api/v1/projects/${projectId}/tasks/${task.body.id}/comments`, json: { body: "mine" } })
        return { projectId, taskId: task.body.id, commentId: comment.body.id, targetId: people.target.id, newcomerEmail: people.newcomer.email } satisfies Fixture
      })
      const mismatches: Array<string> = []
      for (const [name, row] of Object.entries(MATRIX)) {
        for (const role of ROLES) {
          const call = row.call(yield* fixture)
          const response = yield* as(role, call)
          const outcome: Outcome | number = response.status >= 200 && response.status < 300 ? "ok" : response.status
          if (outcome !== row.expect[role]) mismatches.push(`${name} as ${role}: expected ${row.expect[role]}, got ${response.status} ${JSON.stringify(response.body)}`)
          if (outcome === 404 || outcome === 403) expect(typeof response.body.detail).toBe("string")
        }
      }
      expect(mismatches).toEqual([])
      // Hundreds of requests: on a loaded two-core machine this took over 30 s (issue 15).
    }), { timeout: 240_000 })
})
