import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { loginAs, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"

const password = "correct horse battery staple"

layer(TestServerLive(), { timeout: "60 seconds", excludeTestServices: true })("HTTP: projects and tasks", (it) => {
  it.effect("a project's tasks: create, filter, sort, page, edit with a version, archive", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("pm")
      const me = (yield* register(email, password)).body
      const { access_token: token } = yield* loginAs(email, password)
      const call = (method: string, path: string, json?: unknown) =>
        request(server.url(`/api/v1/projects${path}`), { method, token, ...(json !== undefined ? { json } : {}) })

      const project = yield* call("POST", "", { name: "  Apollo  ", description: "Moon" })
      expect(project.status).toBe(201)
      expect(project.body).toMatchObject({ name: "Apollo", status: "active", role: "owner", archived_at: null })
      const base = `/${project.body.id}/tasks`

      const specs = [
        { title: "Fix login bug", priority: "urgent", labels: ["bug"], due_date: "2026-02-01", assignee_ids: [me.id] },
        { title: "Write docs", priority: "low", labels: ["docs"], due_date: "2026-01-15" },
        { title: "Ship it", priority: "high", status: "done" },
        { title: "Review PR", priority: "medium", labels: ["bug", "review"], status: "in_review" }
      ]
      const created = []
      for (const spec of specs) {
        const response = yield* call("POST", base, spec)
        expect(response.status).toBe(201)
        created.push(response.body)
      }
      expect(created[2].completed_at).not.toBeNull()
      expect(created[0]).toMatchObject({ version: 1, assignee_ids: [me.id], labels: ["bug"], due_date: "2026-02-01", blocked_by: [] })

      const titles = (query: string) => Effect.map(call("GET", `${base}?${query}`), (r) => r.body.items.map((x: any) => x.title))
      expect(yield* titles("label=bug&sort=created_at")).toEqual(["Fix login bug", "Review PR"])
      expect(yield* titles("status=done")).toEqual(["Ship it"])
      expect(yield* titles(`assignee_id=${me.id}`)).toEqual(["Fix login bug"])
      expect(yield* titles("due_before=2026-01-20")).toEqual(["Write docs"])
      expect(yield* titles("q=DOCS")).toEqual(["Write docs"])
      expect(yield* titles("sort=-priority")).toEqual(["Fix login bug", "Ship it", "Review PR", "Write docs"])
      expect(yield* titles("sort=due_date&limit=2")).toEqual(["Write docs", "Fix login bug"])

      // Paging: two pages of two, then the end; a cursor of one sort is refused by another.
      const first = yield* call("GET", `${base}?limit=2&sort=created_at`)
      const second = yield* call("GET", `${base}?limit=2&sort=created_at&cursor=${first.body.next_cursor}`)
      expect([...first.body.items, ...second.body.items].map((x: any) => x.title)).toEqual(specs.map((s) => s.title))
      expect(second.body.next_cursor).toBeNull()
      expect((yield* call("GET", `${base}?limit=2&sort=-priority&cursor=${first.body.next_cursor}`)).status).toBe(400)

      // Bad input is a 422 naming the field.
      const bad = yield* call("POST", base, { title: "", status: "someday", due_date: "2026-13-45", assignee_ids: ["not-a-uuid"] })
      expect(bad.status).toBe(422)
      expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(["assignee_ids.0", "due_date", "status", "title"])
      // A PATCH without a version applies (issue 13): see the concurrency test below.
      expect((yield* call("GET", `${base}?assignee_id=${crypto.randomUUID()}`)).status).toBe(404)

      // Edits name the version they read.
      const edited = yield* call("PATCH", `${base}/${created[1].id}`, { version: 1, status: "done", due_date: null })
      expect(edited.body).toMatchObject({ version: 2, status: "done", due_date: null })
      expect(edited.body.completed_at).not.toBeNull()
      const stale = yield* call("PATCH", `${base}/${created[1].id}`, { version: 1, title: "lost" })
      expect(stale.status).toBe(409)
      expect(stale.body.detail).toContain("version 2")

      const blocked = yield* call("PATCH", `${base}/${created[0].id}`, { version: 1, blocked_by: [created[3].id] })
      expect(blocked.body.blocked_by).toEqual([created[3].id])
      const cycle = yield* call("PATCH", `${base}/${created[3].id}`, { version: 1, blocked_by: [created[0].id] })
      expect(cycle.status).toBe(422)
      expect(cycle.body.errors[0].path).toBe("blocked_by")

      const stats = yield* call("GET", `/${project.body.id}/stats`)
      expect(stats.body).toMatchObject({ total: 4, by_status: { todo: 1, in_review: 1, done: 2 }, overdue: 1 })
      expect(stats.body.per_assignee).toEqual([{ user_id: me.id, open: 1, done: 0 }])

      const comment = yield* call("POST", `${base}/${created[0].id}/comments`, { body: "On it" })
      expect(comment.status).toBe(201)
      const edited2 = yield* call("PATCH", `${base}/${created[0].id}/comments/${comment.body.id}`, { body: "On it, edited" })
      expect(edited2.body.edited_at).not.toBeNull()

      expect((yield* call("POST", `/${project.body.id}/archive`)).body.status).toBe("archived")
      const refused = yield* call("POST", base, { title: "late" })
      expect(refused.status).toBe(409)
      expect(refused.body.detail).toBe("The project is archived: restore it before changing it")
      expect((yield* call("GET", "")).body.items).toHaveLength(0)
      expect((yield* call("GET", "?status=archived")).body.items).toHaveLength(1)
      expect((yield* call("POST", `/${project.body.id}/restore`)).body.status).toBe("active")

      const activity = yield* call("GET", `/${project.body.id}/activity?limit=3`)
      expect(activity.body.items.map((e: any) => e.action)).toEqual(["project.restored", "project.archived", "comment.edited"])
      expect((yield* call("DELETE", `/${project.body.id}`)).status).toBe(204)
      expect((yield* call("GET", `/${project.body.id}`)).status).toBe(404)
    }))

  /** A project of a fresh owner, its first task, and a caller for paths under /projects. */
  const withTask = Effect.gen(function*() {
    const server = yield* TestServer
    const email = uniqueEmail("pm")
    yield* register(email, password)
    const { access_token: token } = yield* loginAs(email, password)
    const call = (method: string, path: string, json?: unknown, headers?: Record<string, string>) =>
      request(server.url(`/api/v1/projects${path}`), {
        method,
        token,
        ...(json !== undefined ? { json } : {}),
        ...(headers !== undefined ? { headers } : {})
      })
    const project = yield* call("POST", "", { name: "Concurrency" })
    const base = `/${project.body.id}/tasks`
    const task = yield* call("POST", base, { title: "Draft", due_date: "2026-03-01" })
    expect(task.status).toBe(201)
    expect(task.headers.get("etag")).toBe(`"1"`)
    return { call, base, task: task.body, server }
  })

  it.effect("PATCH of a task: version and If-Match are optional; with either, a stale write is 409", () =>
    Effect.gen(function*() {
      const { base, call, task } = yield* withTask
      const path = `${base}/${task.id}`

      // The API.md-shaped body, no version: it applies (it was a 422).
      const plain = yield* call("PATCH", path, { title: "Renamed", status: "in_progress" })
      expect(plain.status).toBe(200)
      expect(plain.body).toMatchObject({ title: "Renamed", status: "in_progress", version: 2 })
      expect(plain.headers.get("etag")).toBe(`"2"`)

      // GET returns the ETag of the version it shows.
      const read = yield* call("GET", path)
      expect(read.status).toBe(200)
      expect(read.headers.get("etag")).toBe(`"2"`)

      // A stale body version: 409, nothing written.
      const stale = yield* call("PATCH", path, { version: 1, title: "Lost" })
      expect(stale.status).toBe(409)
      expect(stale.body.detail).toContain("version 2")

      // If-Match with the ETag GET returned: applies, and the answer carries the new ETag.
      const matched = yield* call("PATCH", path, { title: "Matched" }, { "if-match": read.headers.get("etag")! })
      expect(matched.status).toBe(200)
      expect(matched.body).toMatchObject({ title: "Matched", version: 3 })
      expect(matched.headers.get("etag")).toBe(`"3"`)

      // A stale If-Match: 409, as a stale version.
      const staleTag = yield* call("PATCH", path, { title: "Lost again" }, { "if-match": `"2"` })
      expect(staleTag.status).toBe(409)
      expect(staleTag.body.detail).toContain("version 3")
      // A weakened tag (as a compressing proxy hands it on) names the same version; * matches any.
      expect((yield* call("PATCH", path, { priority: "high" }, { "if-match": `W/"3"` })).status).toBe(200)
      expect((yield* call("PATCH", path, { priority: "low" }, { "if-match": "*" })).status).toBe(200)

      // An If-Match that does not parse, or that disagrees with the body's version: 422 naming it.
      const unreadable = yield* call("PATCH", path, { title: "x" }, { "if-match": "5" })
      expect(unreadable.status).toBe(422)
      expect(unreadable.body.errors.map((e: any) => e.path)).toEqual(["if-match"])
      const disagree = yield* call("PATCH", path, { version: 5, title: "x" }, { "if-match": `"6"` })
      expect(disagree.status).toBe(422)
      expect(disagree.body.errors.map((e: any) => e.path)).toEqual(["version"])
      expect(disagree.body.detail).toContain("If-Match")
      // Both, agreeing: the ordinary check.
      const both = yield* call("PATCH", path, { version: 5, title: "Both" }, { "if-match": `"5"` })
      expect(both.status).toBe(200)
      expect(both.body.version).toBe(6)
      expect((yield* call("GET", path)).body.title).toBe("Both")
    }))

  it.effect("the OpenAPI document declares If-Match on PATCH of a task and ETag on its answers", () =>
    Effect.gen(function*() {
      const { server } = yield* withTask
      const doc = (yield* request(server.url("/openapi.json"))).body
      const op = doc.paths["/api/v1/projects/{id}/tasks/{task_id}"]
      expect(op.patch.parameters.map((p: any) => `${p.in}:${p.name}`)).toContain("header:if-match")
      expect(Object.keys(op.patch.responses["200"].headers ?? {})).toContain("etag")
      expect(Object.keys(op.get.responses["200"].headers ?? {})).toContain("etag")
    }))

  it.effect("impossible calendar dates are a 422 naming the field, on create, update and the due_before filter", () =>
    Effect.gen(function*() {
      const { base, call, task } = yield* withTask
      for (const due_date of ["2030-02-30", "0000-01-01", "2027-02-29", "2026-04-31", "2026-00-10", "10000-01-01", "2026-1-01"]) {
        const created = yield* call("POST", base, { title: "Bad date", due_date })
        expect(created.status, due_date).toBe(422)
        expect(created.body.errors.map((e: any) => e.path), due_date).toEqual(["due_date"])
        expect(created.body.detail, due_date).toContain("due_date")
        const updated = yield* call("PATCH", `${base}/${task.id}`, { due_date })
        expect(updated.status, due_date).toBe(422)
        expect(updated.body.errors.map((e: any) => e.path), due_date).toEqual(["due_date"])
        const listed = yield* call("GET", `${base}?due_before=${due_date}`)
        expect(listed.status, due_date).toBe(422)
        expect(listed.body.errors.map((e: any) => e.path), due_date).toEqual(["due_before"])
      }
      expect((yield* call("POST", base, { title: "x", due_date: "2030-02-30" })).body.errors[0].message).toContain("2030-02 has 28 days")
      expect((yield* call("POST", base, { title: "x", due_date: "0000-01-01" })).body.errors[0].message).toContain("0001")

      // Real dates at the edges are kept as sent.
      for (const due_date of ["2028-02-29", "2000-02-29", "0001-01-01", "9999-12-31"]) {
        const created = yield* call("POST", base, { title: `Due ${due_date}`, due_date })
        expect(created.status, due_date).toBe(201)
        expect(created.body.due_date).toBe(due_date)
        const updated = yield* call("PATCH", `${base}/${created.body.id}`, { due_date })
        expect(updated.status, due_date).toBe(200)
        const listed = yield* call("GET", `${base}?due_before=${due_date}`)
        expect(listed.status, due_date).toBe(200)
      }
      const early = yield* call("GET", `${base}?due_before=2000-03-01&sort=due_date`)
      expect(early.body.items.map((t: any) => t.due_date)).toEqual(["0001-01-01", "2000-02-29"])
    }))

  it.effect("a crafted task cursor is a 400, never a 500, whatever its number, id or sort", () =>
    Effect.gen(function*() {
      const { base, call, task } = yield* withTask
      const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
      // Numbers no task sorts by: times outside 0001–9999 or fractional, ranks outside 1–4, days outside int4.
      const time = [1e20, -1e20, 8.64e15 + 1, -62135596800001, 2.5]
      const bad: Record<string, ReadonlyArray<number>> = {
        "-created_at": time,
        "created_at": time,
        "position": [],
        "-priority": [0, 5, 2.5, 1e20],
        "due_date": [2.5, 1e20, -1e20, 2147483648, -719163]
      }
      for (const s of ["-created_at", "created_at", "position", "-priority", "due_date"]) {
        for (const k of bad[s]!) {
          const r = yield* call("GET", `${base}?sort=${s}&cursor=${cursor({ k, id: task.id, s })}`)
          expect(r.status, `${s} ${k}`).toBe(400)
          expect(r.body.code).toBe("invalid_cursor")
        }
        expect((yield* call("GET", `${base}?sort=${s}&cursor=${cursor({ k: 0, id: "x", s })}`)).status, s).toBe(400)
        expect((yield* call("GET", `${base}?sort=${s}&cursor=${cursor({ k: "0", id: task.id, s })}`)).status, s).toBe(400)
      }
      expect((yield* call("GET", `${base}?cursor=${cursor({ k: 1e400, id: task.id, s: "-created_at" })}`)).status).toBe(400)
      // Cursors the server made still page.
      yield* call("POST", base, { title: "Second" })
      for (const s of ["-created_at", "created_at", "position", "-priority", "due_date"]) {
        const first = yield* call("GET", `${base}?sort=${s}&limit=1`)
        const second = yield* call("GET", `${base}?sort=${s}&limit=1&cursor=${first.body.next_cursor}`)
        expect(second.status, s).toBe(200)
        expect(second.body.items, s).toHaveLength(1)
      }
    }))
})
