import { randomUUID } from "node:crypto"
import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { ActivityLog } from "../../application/ports/activity-log.js"
import { CommentRepository } from "../../application/ports/comment-repository.js"
import { ProjectRepository, type ProjectFilter } from "../../application/ports/project-repository.js"
import { type TaskFilter, type TaskPosition, TaskRepository, type TaskSort, TaskSorts } from "../../application/ports/task-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import type { UserId } from "../../domain/identity/user.js"
import { ActivityEntry } from "../../domain/projects/activity.js"
import { Comment, CommentId } from "../../domain/projects/comment.js"
import { Membership, Project, ProjectId, type ProjectRole } from "../../domain/projects/project.js"
import { DueDate, PRIORITY_RANK, Task, TaskId } from "../../domain/projects/task.js"
import { sortKey } from "../../adapters/in-memory/projects.memory.js"
import { at, makeUser, T0 } from "../support/fixtures.js"

export type ProjectsPorts = ProjectRepository | TaskRepository | CommentRepository | ActivityLog | UserRepository

const ms = DateTime.toEpochMillis
const minutes = (n: number) => at(`${n} minutes`)
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
/** Ids in the order the adapters keep them (assignees and blockers come back in id order from SQL). */
const sortedIds = <A extends string>(ids: ReadonlyArray<A>): Array<A> => [...ids].sort(byId)
const idsOf = (items: ReadonlyArray<{ readonly id: string }>) => items.map((i) => i.id)

// ---------------------------------------------------------------------------------------------
// Fixtures

const newUser = (name = "Test User") =>
  Effect.gen(function*() {
    const user = makeUser({ name })
    yield* (yield* UserRepository).insert(user)
    return user
  })

const makeProject = (createdBy: UserId, minute: number, overrides: Partial<ConstructorParameters<typeof Project>[0]> = {}) =>
  new Project({
    id: ProjectId.make(randomUUID()),
    name: `Project ${minute}`,
    description: "",
    status: "active",
    createdBy,
    createdAt: minutes(minute),
    updatedAt: minutes(minute),
    archivedAt: Option.none(),
    ...overrides
  })

const membership = (project: Project, userId: UserId, role: ProjectRole, createdAt: DateTime.Utc = project.createdAt) =>
  new Membership({ projectId: project.id, userId, role, createdAt })

/** A project created by a fresh user, stored with that user as its owner, plus `memberCount` fresh members. */
const withProject = (memberCount = 0, overrides: Partial<ConstructorParameters<typeof Project>[0]> = {}) =>
  Effect.gen(function*() {
    const projects = yield* ProjectRepository
    const owner = yield* newUser("Owner")
    const project = makeProject(owner.id, 0, overrides)
    yield* projects.insert(project, membership(project, owner.id, "owner"))
    const members = yield* Effect.forEach(Array.from({ length: memberCount }), (_, i) =>
      Effect.gen(function*() {
        const user = yield* newUser(`Member ${i}`)
        yield* projects.addMember(membership(project, user.id, "member", minutes(1)))
        return user
      }))
    return { owner, project, members }
  })

const makeTask = (project: Project, createdBy: UserId, overrides: Partial<ConstructorParameters<typeof Task>[0]> = {}) =>
  new Task({
    id: TaskId.make(randomUUID()),
    projectId: project.id,
    title: "A task",
    description: "",
    status: "todo",
    priority: "medium",
    assigneeIds: [],
    labels: [],
    dueDate: Option.none(),
    position: 1000,
    blockedBy: [],
    completedAt: Option.none(),
    createdBy,
    createdAt: minutes(1),
    updatedAt: minutes(1),
    version: 1,
    ...overrides
  })

const makeComment = (task: Task, authorId: UserId, minute: number, overrides: Partial<ConstructorParameters<typeof Comment>[0]> = {}) =>
  new Comment({
    id: CommentId.make(randomUUID()),
    projectId: task.projectId,
    taskId: task.id,
    authorId,
    body: `Comment at ${minute}`,
    createdAt: minutes(minute),
    editedAt: Option.none(),
    ...overrides
  })

const due = (d: string) => Option.some(DueDate.make(d))

const everything: TaskFilter = {
  status: Option.none(),
  assigneeId: Option.none(),
  priority: Option.none(),
  dueBefore: Option.none(),
  label: Option.none(),
  q: Option.none()
}
const where = (filter: Partial<TaskFilter>): TaskFilter => ({ ...everything, ...filter })

const activeOnly: ProjectFilter = { statuses: ["active"], q: Option.none() }

/**
 * The order each sort must give, written independently of the adapters: the sort's value, then the
 * id, both in the sort's direction; tasks without a due date last for due_date.
 */
const expectedOrder = (tasks: ReadonlyArray<Task>, sort: TaskSort): Array<Task> => {
  const value = (t: Task): number => {
    switch (sort) {
      case "-created_at":
      case "created_at":
        return ms(t.createdAt)
      case "position":
        return t.position
      case "-priority":
        return PRIORITY_RANK[t.priority]
      case "due_date":
        return Option.match(t.dueDate, { onNone: () => Infinity, onSome: (d) => Date.parse(`${d}T00:00:00Z`) })
    }
  }
  const sign = sort.startsWith("-") ? -1 : 1
  return [...tasks].sort((a, b) => {
    const [va, vb] = [value(a), value(b)]
    return sign * ((va === vb ? 0 : va < vb ? -1 : 1) || byId(a.id, b.id))
  })
}

const positionOf = (sort: TaskSort, task: Task): TaskPosition => ({ k: sortKey(sort, task), id: task.id })

/** Follows a task list page by page (limit + 1 rows each), from `start`, until the last page. */
const walkTasks = (projectId: ProjectId, filter: TaskFilter, sort: TaskSort, size: number, start: Option.Option<TaskPosition>) =>
  Effect.gen(function*() {
    const tasks = yield* TaskRepository
    const seen: Array<Task> = []
    let after = start
    for (let pages = 0; pages < 100; pages++) {
      const rows = yield* tasks.list(projectId, filter, sort, after, size)
      expect(rows.length).toBeLessThanOrEqual(size + 1)
      const page = rows.slice(0, size)
      seen.push(...page)
      const last = page.at(-1)
      if (rows.length <= size || last === undefined) return seen
      after = Option.some(positionOf(sort, last))
    }
    throw new Error("the task list never ended")
  })

/**
 * A board of six tasks in one project, two members assigned to some of them. Chosen so that every
 * sort has ties broken by id, and every filter matches some tasks and not others.
 */
const seedBoard = Effect.gen(function*() {
  const tasks = yield* TaskRepository
  const { owner, project, members } = yield* withProject(2)
  const [a, b] = members as [typeof members[number], typeof members[number]]
  const t = (overrides: Partial<ConstructorParameters<typeof Task>[0]>) => makeTask(project, owner.id, overrides)
  const board = [
    t({
      title: "Fix login Bug",
      createdAt: minutes(1),
      position: 1000,
      priority: "low",
      dueDate: due("2026-02-01"),
      status: "todo",
      labels: ["bug"],
      assigneeIds: [a.id]
    }),
    t({
      title: "Design dashboard",
      createdAt: minutes(2),
      position: 2000,
      priority: "high",
      status: "in_progress",
      labels: ["bug", "ui"],
      assigneeIds: sortedIds([a.id, b.id])
    }),
    t({
      title: "Write docs",
      description: "Needs a BUG review",
      createdAt: minutes(3),
      position: 1500,
      priority: "urgent",
      dueDate: due("2026-01-15"),
      status: "done",
      completedAt: Option.some(minutes(10)),
      assigneeIds: [b.id]
    }),
    t({
      title: "Polish settings",
      createdAt: minutes(3),
      position: 1500,
      priority: "high",
      dueDate: due("2026-02-01"),
      status: "todo",
      labels: ["ui"]
    }),
    t({
      title: "Refactor storage",
      createdAt: minutes(4),
      position: 500,
      priority: "medium",
      status: "cancelled",
      labels: ["backend"],
      assigneeIds: [a.id]
    }),
    t({
      title: "Reach 100% coverage",
      createdAt: minutes(5),
      position: 3000,
      priority: "high",
      dueDate: due("2026-03-01"),
      status: "in_review"
    })
  ] as const
  yield* Effect.forEach(board, tasks.insert)
  return { owner, project, a, b, board }
})

// ---------------------------------------------------------------------------------------------

/** What every adapter family of the four projects ports must do. */
export const projectsContract = (it: Vitest.MethodsNonLive<ProjectsPorts>) =>
  describe("Projects contract", () => {
    describe("ProjectRepository", () => {
      it.effect("inserts a project with its owner, and finds it field for field", () =>
        Effect.gen(function*() {
          const projects = yield* ProjectRepository
          const owner = yield* newUser()
          const project = makeProject(owner.id, 1, {
            name: "Apollo",
            description: "Multi-line\ndescription, with ünïcode",
            status: "archived",
            updatedAt: minutes(2),
            archivedAt: Option.some(minutes(3))
          })
          const ownership = membership(project, owner.id, "owner")
          yield* projects.insert(project, ownership)
          expect(yield* projects.findById(project.id)).toEqual(Option.some(project))
          expect(yield* projects.findById(ProjectId.make(randomUUID()))).toEqual(Option.none())
          expect(yield* projects.membership(project.id, owner.id)).toEqual(Option.some(ownership))
          expect(yield* projects.access(project.id, owner.id)).toEqual(Option.some({ project, membership: ownership }))
          const stranger = yield* newUser()
          expect(yield* projects.access(project.id, stranger.id)).toEqual(Option.none())
          expect(yield* projects.access(ProjectId.make(randomUUID()), owner.id)).toEqual(Option.none())
          expect(yield* projects.countOwners(project.id)).toBe(1)
        }))

      it.effect("updates a project's name, description, status and times", () =>
        Effect.gen(function*() {
          const projects = yield* ProjectRepository
          const { project } = yield* withProject()
          const archived = new Project({
            ...project,
            name: "Renamed",
            description: "Now described",
            status: "archived",
            updatedAt: minutes(5),
            archivedAt: Option.some(minutes(5))
          })
          yield* projects.update(archived)
          expect(yield* projects.findById(project.id)).toEqual(Option.some(archived))
          const restored = new Project({ ...archived, status: "active", updatedAt: minutes(6), archivedAt: Option.none() })
          yield* projects.update(restored)
          expect(yield* projects.findById(project.id)).toEqual(Option.some(restored))
        }))

      it.effect("lists only the user's projects, with their role, newest first, filtered by status and q, in pages", () =>
        Effect.gen(function*() {
          const projects = yield* ProjectRepository
          const [user, other] = [yield* newUser(), yield* newUser()]
          const alpha = makeProject(user.id, 1, { name: "Alpha" })
          const twin = makeProject(user.id, 1, { name: "Twin", description: "created at the same time as alpha" })
          const beta = makeProject(other.id, 2, { name: "Beta", description: "The ALPHA follow-up" })
          const old = makeProject(user.id, 3, { name: "Old", status: "archived", archivedAt: Option.some(minutes(4)) })
          const foreign = makeProject(other.id, 4, { name: "Alpha prime" })
          yield* projects.insert(alpha, membership(alpha, user.id, "owner"))
          yield* projects.insert(twin, membership(twin, user.id, "owner"))
          yield* projects.insert(beta, membership(beta, other.id, "owner"))
          yield* projects.addMember(membership(beta, user.id, "viewer", minutes(5)))
          yield* projects.insert(old, membership(old, user.id, "owner"))
          yield* projects.insert(foreign, membership(foreign, other.id, "owner"))

          // alpha and twin share created_at: the id breaks the tie, newest (greatest) first.
          const [firstTwin, secondTwin] = [alpha, twin].sort((x, y) => byId(y.id, x.id)) as [Project, Project]
          const list = (filter: ProjectFilter, after: Option.Option<Project> = Option.none(), limit = 10) =>
            projects.listForUser(
              user.id,
              filter,
              Option.map(after, (p) => ({ at: ms(p.createdAt), id: p.id })),
              limit
            )

          expect(yield* list(activeOnly)).toEqual([
            { project: beta, role: "viewer" },
            { project: firstTwin, role: "owner" },
            { project: secondTwin, role: "owner" }
          ])
          const both: ProjectFilter = { statuses: ["active", "archived"], q: Option.none() }
          expect((yield* list(both)).map((r) => r.project.id)).toEqual([old.id, beta.id, firstTwin.id, secondTwin.id])
          expect(yield* list({ statuses: ["archived"], q: Option.none() })).toEqual([{ project: old, role: "owner" }])

          // q: case-insensitive, in the name or the description; never another user's project.
          // alpha by its name, twin and beta by their descriptions.
          expect((yield* list({ ...both, q: Option.some("alpha") })).map((r) => r.project.id)).toEqual([beta.id, firstTwin.id, secondTwin.id])
          expect((yield* list({ ...both, q: Option.some("ALPHA") })).map((r) => r.project.id)).toEqual([beta.id, firstTwin.id, secondTwin.id])
          expect((yield* list({ ...both, q: Option.some("tWiN") })).map((r) => r.project.id)).toEqual([twin.id])
          expect((yield* list({ ...both, q: Option.some("beta") })).map((r) => r.project.id)).toEqual([beta.id])
          expect((yield* list({ ...both, q: Option.some("old") })).map((r) => r.project.id)).toEqual([old.id])
          expect(yield* list({ ...both, q: Option.some("prime") })).toEqual([])
          expect(yield* list({ ...both, q: Option.some("%") })).toEqual([])

          // Pages: limit + 1 rows, then on from the last item of the page.
          const first = yield* list(both, Option.none(), 2)
          expect(first.map((r) => r.project.id)).toEqual([old.id, beta.id, firstTwin.id])
          const second = yield* list(both, Option.some(beta), 2)
          expect(second.map((r) => r.project.id)).toEqual([firstTwin.id, secondTwin.id])
          expect(yield* list(both, Option.some(firstTwin), 2)).toEqual([{ project: secondTwin, role: "owner" }])
          expect(yield* list(both, Option.some(secondTwin), 2)).toEqual([])
        }))

      it.effect("lists members oldest first with their email and name, in pages", () =>
        Effect.gen(function*() {
          const projects = yield* ProjectRepository
          const owner = yield* newUser("Olivia Owner")
          const project = makeProject(owner.id, 0)
          yield* projects.insert(project, membership(project, owner.id, "owner", minutes(0)))
          const [v, w, x] = [yield* newUser("Vera"), yield* newUser("Walt"), yield* newUser("Xena")]
          const memberships = [
            membership(project, v.id, "admin", minutes(2)),
            membership(project, w.id, "member", minutes(2)),
            membership(project, x.id, "viewer", minutes(3))
          ]
          yield* Effect.forEach(memberships, projects.addMember)
          const users = new Map([owner, v, w, x].map((u) => [u.id as string, u]))
          const view = (m: Membership) => ({ membership: m, email: users.get(m.userId)!.email, name: users.get(m.userId)!.name })
          // v and w joined at the same time: the user id breaks the tie, smallest first.
          const tied = [memberships[0]!, memberships[1]!].sort((a, b) => byId(a.userId, b.userId))
          const expected = [membership(project, owner.id, "owner", minutes(0)), ...tied, memberships[2]!].map(view)

          expect(yield* projects.members(project.id, Option.none(), 10)).toEqual(expected)
          const first = yield* projects.members(project.id, Option.none(), 2)
          expect(first).toEqual(expected.slice(0, 3))
          const last = first[1]!.membership
          const rest = yield* projects.members(project.id, Option.some({ at: ms(last.createdAt), id: last.userId }), 2)
          expect(rest).toEqual(expected.slice(2))
        }))

      it.effect("adds a member once, changes roles, counts owners and removes members", () =>
        Effect.gen(function*() {
          const projects = yield* ProjectRepository
          const { owner, project } = yield* withProject()
          const v = yield* newUser()
          const joined = membership(project, v.id, "member", minutes(1))
          yield* projects.addMember(joined)
          expect(yield* projects.membership(project.id, v.id)).toEqual(Option.some(joined))
          expect(yield* projects.membership(project.id, (yield* newUser()).id)).toEqual(Option.none())

          const again = yield* Effect.flip(projects.addMember(membership(project, v.id, "admin", minutes(2))))
          expect(again._tag).toBe("AlreadyMember")
          const ownerAgain = yield* Effect.flip(projects.addMember(membership(project, owner.id, "viewer", minutes(2))))
          expect(ownerAgain._tag).toBe("AlreadyMember")
          expect(yield* projects.membership(project.id, v.id)).toEqual(Option.some(joined))

          yield* projects.setRole(project.id, v.id, "owner")
          expect(yield* projects.membership(project.id, v.id)).toEqual(Option.some(new Membership({ ...joined, role: "owner" })))
          expect(yield* projects.countOwners(project.id)).toBe(2)
          yield* projects.setRole(project.id, owner.id, "admin")
          expect(yield* projects.countOwners(project.id)).toBe(1)

          yield* projects.removeMember(project.id, v.id)
          expect(yield* projects.membership(project.id, v.id)).toEqual(Option.none())
          expect(yield* projects.countOwners(project.id)).toBe(0)
          expect((yield* projects.members(project.id, Option.none(), 10)).map((m) => m.membership.userId)).toEqual([owner.id])
        }))

      it.effect("removing a member also removes their task assignments in that project, and only there", () =>
        Effect.gen(function*() {
          const projects = yield* ProjectRepository
          const tasks = yield* TaskRepository
          const { owner, project } = yield* withProject()
          const leaver = yield* newUser()
          yield* projects.addMember(membership(project, leaver.id, "member", minutes(1)))
          const shared = makeTask(project, owner.id, { assigneeIds: sortedIds([owner.id, leaver.id]) })
          const own = makeTask(project, owner.id, { assigneeIds: [leaver.id] })
          yield* Effect.forEach([shared, own], tasks.insert)

          const elsewhere = yield* withProject()
          yield* projects.addMember(membership(elsewhere.project, leaver.id, "member", minutes(1)))
          const kept = makeTask(elsewhere.project, elsewhere.owner.id, { assigneeIds: [leaver.id] })
          yield* tasks.insert(kept)

          yield* projects.removeMember(project.id, leaver.id)
          expect(yield* projects.membership(project.id, leaver.id)).toEqual(Option.none())
          expect(Option.getOrThrow(yield* tasks.findById(project.id, shared.id)).assigneeIds).toEqual([owner.id])
          expect(Option.getOrThrow(yield* tasks.findById(project.id, own.id)).assigneeIds).toEqual([])
          expect(yield* tasks.findById(elsewhere.project.id, kept.id)).toEqual(Option.some(kept))
          expect(Option.isSome(yield* projects.membership(elsewhere.project.id, leaver.id))).toBe(true)
          const assigned = yield* tasks.list(project.id, where({ assigneeId: Option.some(leaver.id) }), "-created_at", Option.none(), 10)
          expect(assigned).toEqual([])
        }))
    })

    describe("TaskRepository", () => {
      it.effect("inserts tasks and finds them field for field, only within their project", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const { owner, project, members } = yield* withProject(2)
          const first = makeTask(project, owner.id, {
            title: "Ship it",
            description: "Line one\nline two — ünïcode",
            status: "in_progress",
            priority: "urgent",
            assigneeIds: sortedIds(members.map((m) => m.id)),
            labels: ["bug", "needs \"review\"", "a,b", "back\\slash", "{braces}", "NULL", "with space"],
            dueDate: due("2026-02-28"),
            position: 1234.5,
            createdAt: minutes(1),
            updatedAt: minutes(2),
            version: 3
          })
          const second = makeTask(project, members[0]!.id, {
            title: "Blocked one",
            status: "done",
            priority: "low",
            blockedBy: [first.id],
            completedAt: Option.some(minutes(7)),
            position: -0.25,
            createdAt: minutes(4),
            updatedAt: minutes(7)
          })
          yield* Effect.forEach([first, second], tasks.insert)
          expect(yield* tasks.findById(project.id, first.id)).toEqual(Option.some(first))
          expect(yield* tasks.findById(project.id, second.id)).toEqual(Option.some(second))

          const other = yield* withProject()
          expect(yield* tasks.findById(other.project.id, first.id)).toEqual(Option.none())
          expect(yield* tasks.findById(project.id, TaskId.make(randomUUID()))).toEqual(Option.none())
        }))

      it.effect("updates a task when its version is the expected one, and refuses a stale version", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const { owner, project, members } = yield* withProject(2)
          const [a, b] = members as [typeof members[number], typeof members[number]]
          const blocker = makeTask(project, owner.id, { title: "Blocker" })
          const task = makeTask(project, owner.id, { assigneeIds: [a.id], labels: ["x"], dueDate: due("2026-05-01") })
          yield* Effect.forEach([blocker, task], tasks.insert)

          const updated = new Task({
            ...task,
            title: "Done now",
            description: "With a description",
            status: "done",
            priority: "high",
            completedAt: Option.some(minutes(9)),
            assigneeIds: [b.id],
            labels: ["y", "z"],
            dueDate: Option.none(),
            blockedBy: [blocker.id],
            position: 42,
            updatedAt: minutes(9),
            version: 2
          })
          expect(yield* tasks.update(updated, 1)).toBe(true)
          expect(yield* tasks.findById(project.id, task.id)).toEqual(Option.some(updated))

          const stale = new Task({ ...updated, title: "Stale write", assigneeIds: [a.id], blockedBy: [], version: 3 })
          expect(yield* tasks.update(stale, 1)).toBe(false)
          expect(yield* tasks.findById(project.id, task.id)).toEqual(Option.some(updated))

          // Naming another project changes nothing either.
          const other = yield* withProject()
          const misplaced = new Task({ ...updated, projectId: other.project.id, title: "Moved", version: 3 })
          expect(yield* tasks.update(misplaced, 2)).toBe(false)
          expect(yield* tasks.findById(project.id, task.id)).toEqual(Option.some(updated))
        }))

      it.effect("lets exactly one of several concurrent updates of one version win", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const { owner, project } = yield* withProject()
          const task = makeTask(project, owner.id)
          yield* tasks.insert(task)
          const attempts = Array.from({ length: 5 }, (_, i) =>
            new Task({ ...task, title: `Attempt ${i}`, updatedAt: minutes(2), version: 2 }))
          const results = yield* Effect.all(attempts.map((t) => tasks.update(t, 1)), { concurrency: "unbounded" })
          expect(results.filter(Boolean)).toHaveLength(1)
          const winner = attempts[results.indexOf(true)]!
          expect(yield* tasks.findById(project.id, task.id)).toEqual(Option.some(winner))
        }))

      it.effect("deletes a task once, only within its project, with its dependencies and comments", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const comments = yield* CommentRepository
          const { owner, project } = yield* withProject()
          const task = makeTask(project, owner.id)
          const dependent = makeTask(project, owner.id, { blockedBy: [task.id] })
          yield* Effect.forEach([task, dependent], tasks.insert)
          yield* comments.insert(makeComment(task, owner.id, 2))

          const other = yield* withProject()
          expect(yield* tasks.delete(other.project.id, task.id)).toBe(false)
          expect(Option.isSome(yield* tasks.findById(project.id, task.id))).toBe(true)

          expect(yield* tasks.delete(project.id, task.id)).toBe(true)
          expect(yield* tasks.delete(project.id, task.id)).toBe(false)
          expect(yield* tasks.findById(project.id, task.id)).toEqual(Option.none())
          expect(Option.getOrThrow(yield* tasks.findById(project.id, dependent.id)).blockedBy).toEqual([])
          expect(yield* comments.list(task.id, Option.none(), 10)).toEqual([])
          expect((yield* tasks.dependencyGraph(project.id)).size).toBe(0)
        }))

      it.effect("filters by status, assignee, priority, due date (strictly before), label and q", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const { project, a, b, board } = yield* seedBoard
          const [t1, t2, t3, t4, t5, t6] = board
          const sort = "-created_at"
          const list = (filter: Partial<TaskFilter>) =>
            Effect.map(tasks.list(project.id, where(filter), sort, Option.none(), 50), idsOf)
          const expected = (...subset: Array<Task>) => idsOf(expectedOrder(subset, sort))

          expect(yield* list({})).toEqual(expected(...board))
          expect(yield* list({ status: Option.some("todo") })).toEqual(expected(t1, t4))
          expect(yield* list({ status: Option.some("in_review") })).toEqual(expected(t6))
          expect(yield* list({ assigneeId: Option.some(a.id) })).toEqual(expected(t1, t2, t5))
          expect(yield* list({ assigneeId: Option.some(b.id) })).toEqual(expected(t2, t3))
          expect(yield* list({ priority: Option.some("high") })).toEqual(expected(t2, t4, t6))
          expect(yield* list({ priority: Option.some("urgent") })).toEqual(expected(t3))
          expect(yield* list({ dueBefore: due("2026-02-01") })).toEqual(expected(t3))
          expect(yield* list({ dueBefore: due("2026-02-02") })).toEqual(expected(t1, t3, t4))
          expect(yield* list({ label: Option.some("bug") })).toEqual(expected(t1, t2))
          expect(yield* list({ label: Option.some("ui") })).toEqual(expected(t2, t4))
          expect(yield* list({ label: Option.some("u") })).toEqual([])
          // q: case-insensitive, title or description; LIKE wildcards are plain characters.
          expect(yield* list({ q: Option.some("bug") })).toEqual(expected(t1, t3))
          expect(yield* list({ q: Option.some("BUG") })).toEqual(expected(t1, t3))
          expect(yield* list({ q: Option.some("0% cov") })).toEqual(expected(t6))
          expect(yield* list({ q: Option.some("_") })).toEqual([])
          expect(yield* list({ q: Option.some("%") })).toEqual(expected(t6))
          // Filters combine.
          expect(yield* list({ status: Option.some("todo"), label: Option.some("ui") })).toEqual(expected(t4))
          expect(yield* list({ assigneeId: Option.some(a.id), priority: Option.some("high") })).toEqual(expected(t2))
        }))

      it.effect("sorts by each order, ties broken by id in the same direction, no due date last", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const { project, board } = yield* seedBoard
          const [t1, t2, t3, t4, t5, t6] = board
          for (const sort of TaskSorts) {
            const listed = yield* tasks.list(project.id, everything, sort, Option.none(), 50)
            expect({ sort, ids: idsOf(listed) }).toEqual({ sort, ids: idsOf(expectedOrder(board, sort)) })
            expect(listed).toEqual(expectedOrder(board, sort))
          }
          // Spelled out for two of them, so that the expectations above do not rest on expectedOrder alone.
          const pair = (x: Task, y: Task, descending: boolean) => [x.id, y.id].sort((p, q) => (descending ? byId(q, p) : byId(p, q)))
          expect(idsOf(yield* tasks.list(project.id, everything, "due_date", Option.none(), 50))).toEqual([
            t3.id,
            ...pair(t1, t4, false),
            t6.id,
            ...pair(t2, t5, false)
          ])
          const byPriority = idsOf(yield* tasks.list(project.id, everything, "-priority", Option.none(), 50))
          expect(byPriority[0]).toBe(t3.id)
          expect(byPriority.slice(1, 4)).toEqual([t2.id, t4.id, t6.id].sort((p, q) => byId(q, p)))
          expect(byPriority.slice(4)).toEqual([t5.id, t1.id])
        }))

      it.effect("pages through every order with {k, id} cursors: all tasks once, in order", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const { project, board } = yield* seedBoard
          for (const sort of TaskSorts) {
            const first = yield* tasks.list(project.id, everything, sort, Option.none(), 2)
            expect(first).toHaveLength(3)
            const walked = yield* walkTasks(project.id, everything, sort, 2, Option.none())
            expect({ sort, ids: idsOf(walked) }).toEqual({ sort, ids: idsOf(expectedOrder(board, sort)) })
            expect(new Set(idsOf(walked)).size).toBe(walked.length)
          }
          // A filtered list pages the same way.
          const todo = where({ status: Option.some("todo") })
          const walked = yield* walkTasks(project.id, todo, "position", 1, Option.none())
          expect(idsOf(walked)).toEqual(idsOf(expectedOrder(board.filter((t) => t.status === "todo"), "position")))
        }))

      it.effect("pages without duplicates or skips while tasks are inserted and deleted between pages", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          // One task per order that sorts after any cursor on the first page.
          const late: Record<TaskSort, Partial<ConstructorParameters<typeof Task>[0]>> = {
            "-created_at": { createdAt: T0 },
            "created_at": { createdAt: at("1 hour") },
            "position": { position: 99_999 },
            "-priority": { priority: "low" },
            "due_date": { dueDate: Option.none() }
          }
          for (const sort of TaskSorts) {
            const { owner, project, board } = yield* seedBoard
            const full = expectedOrder(board, sort)
            const first = (yield* tasks.list(project.id, everything, sort, Option.none(), 2)).slice(0, 2)
            expect(idsOf(first)).toEqual(idsOf(full.slice(0, 2)))
            const cursor = positionOf(sort, first[1]!)

            const added = makeTask(project, owner.id, { title: `Added while paging by ${sort}`, ...late[sort] })
            const removed = full.at(-1)!
            yield* tasks.insert(added)
            expect(yield* tasks.delete(project.id, removed.id)).toBe(true)

            const rest = yield* walkTasks(project.id, everything, sort, 2, Option.some(cursor))
            const seen = idsOf([...first, ...rest])
            expect(new Set(seen).size).toBe(seen.length)
            for (const survivor of board.filter((t) => t.id !== removed.id)) expect(seen).toContain(survivor.id)
            expect(seen).not.toContain(removed.id)
            const now = expectedOrder([...board.filter((t) => t.id !== removed.id), added], sort)
            expect(now.indexOf(added)).toBeGreaterThanOrEqual(2)
            expect({ sort, ids: seen }).toEqual({ sort, ids: idsOf(now) })
          }
        }))

      it.effect("answers the project's dependency graph", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const { owner, project } = yield* withProject()
          const t1 = makeTask(project, owner.id, { title: "one" })
          const t2 = makeTask(project, owner.id, { title: "two", blockedBy: [t1.id] })
          const t3 = makeTask(project, owner.id, { title: "three", blockedBy: sortedIds([t1.id, t2.id]) })
          const free = makeTask(project, owner.id, { title: "free" })
          yield* Effect.forEach([t1, t2, t3, free], tasks.insert)
          const other = yield* withProject()
          const o1 = makeTask(other.project, other.owner.id)
          const o2 = makeTask(other.project, other.owner.id, { blockedBy: [o1.id] })
          yield* Effect.forEach([o1, o2], tasks.insert)

          const graph = yield* tasks.dependencyGraph(project.id)
          const normalised = [...graph].map(([id, blockers]) => [id, sortedIds(blockers)] as const).sort(([x], [y]) => byId(x, y))
          expect(normalised).toEqual(
            [[t2.id, [t1.id]] as const, [t3.id, sortedIds([t1.id, t2.id])] as const].sort(([x], [y]) => byId(x, y))
          )
        }))

      it.effect("unassigns a user from every task of one project, and only that project", () =>
        Effect.gen(function*() {
          const projects = yield* ProjectRepository
          const tasks = yield* TaskRepository
          const { owner, project, members } = yield* withProject(2)
          const [a, b] = members as [typeof members[number], typeof members[number]]
          const both = makeTask(project, owner.id, { assigneeIds: sortedIds([a.id, b.id]) })
          const onlyA = makeTask(project, owner.id, { assigneeIds: [a.id] })
          const onlyB = makeTask(project, owner.id, { assigneeIds: [b.id] })
          yield* Effect.forEach([both, onlyA, onlyB], tasks.insert)
          const other = yield* withProject()
          yield* projects.addMember(membership(other.project, a.id, "member", minutes(1)))
          const elsewhere = makeTask(other.project, other.owner.id, { assigneeIds: [a.id] })
          yield* tasks.insert(elsewhere)

          yield* tasks.unassign(project.id, a.id)
          expect(Option.getOrThrow(yield* tasks.findById(project.id, both.id)).assigneeIds).toEqual([b.id])
          expect(Option.getOrThrow(yield* tasks.findById(project.id, onlyA.id)).assigneeIds).toEqual([])
          expect(yield* tasks.findById(project.id, onlyB.id)).toEqual(Option.some(onlyB))
          expect(yield* tasks.findById(other.project.id, elsewhere.id)).toEqual(Option.some(elsewhere))
          // Unassigning is not leaving: the membership stays.
          expect(Option.isSome(yield* projects.membership(project.id, a.id))).toBe(true)
        }))

      it.effect("counts tasks by status (zeros included), overdue ones, and open/done per assignee by user id", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const { owner, project, members } = yield* withProject(3)
          const [a, b, c] = members as [typeof members[number], typeof members[number], typeof members[number]]
          const today = DueDate.make("2026-03-10")
          const t = (overrides: Partial<ConstructorParameters<typeof Task>[0]>) => makeTask(project, owner.id, overrides)
          yield* Effect.forEach([
            t({ status: "todo", dueDate: due("2026-03-09"), assigneeIds: [a.id] }), // overdue
            t({ status: "todo" }),
            t({ status: "in_progress", dueDate: due("2026-03-10"), assigneeIds: [b.id] }), // due today: not overdue
            t({ status: "in_progress", dueDate: due("2026-03-01"), assigneeIds: sortedIds([a.id, b.id]) }), // overdue
            t({ status: "done", dueDate: due("2026-01-01"), assigneeIds: [a.id], completedAt: Option.some(minutes(3)) }),
            t({ status: "cancelled", dueDate: due("2026-01-01"), assigneeIds: sortedIds([b.id, c.id]) })
          ], tasks.insert)
          const other = yield* withProject()
          yield* tasks.insert(makeTask(other.project, other.owner.id, { dueDate: due("2026-01-01"), assigneeIds: [other.owner.id] }))

          const stats = yield* tasks.stats(project.id, today)
          expect(stats).toEqual({
            byStatus: { todo: 2, in_progress: 2, in_review: 0, done: 1, cancelled: 1 },
            overdue: 2,
            perAssignee: [
              { userId: a.id, open: 2, done: 1 },
              { userId: b.id, open: 2, done: 0 },
              { userId: c.id, open: 0, done: 0 }
            ].sort((x, y) => byId(x.userId, y.userId))
          })

          const empty = yield* withProject()
          expect(yield* tasks.stats(empty.project.id, today)).toEqual({
            byStatus: { todo: 0, in_progress: 0, in_review: 0, done: 0, cancelled: 0 },
            overdue: 0,
            perAssignee: []
          })
        }))
    })

    describe("CommentRepository", () => {
      it.effect("stores, finds (only within its project and task), edits, deletes and lists comments oldest first in pages", () =>
        Effect.gen(function*() {
          const tasks = yield* TaskRepository
          const comments = yield* CommentRepository
          const { owner, project, members } = yield* withProject(1)
          const author = members[0]!
          const task = makeTask(project, owner.id)
          const sibling = makeTask(project, owner.id)
          yield* Effect.forEach([task, sibling], tasks.insert)
          const c1 = makeComment(task, author.id, 1, { body: "First!\nwith ünïcode" })
          const c2 = makeComment(task, owner.id, 2)
          const c3 = makeComment(task, author.id, 2)
          const c4 = makeComment(task, owner.id, 3, { editedAt: Option.some(minutes(4)) })
          const onSibling = makeComment(sibling, owner.id, 1)
          yield* Effect.forEach([c3, c1, c4, c2, onSibling], comments.insert)

          expect(yield* comments.findById(project.id, task.id, c1.id)).toEqual(Option.some(c1))
          expect(yield* comments.findById(project.id, task.id, c4.id)).toEqual(Option.some(c4))
          expect(yield* comments.findById(project.id, sibling.id, c1.id)).toEqual(Option.none())
          const other = yield* withProject()
          expect(yield* comments.findById(other.project.id, task.id, c1.id)).toEqual(Option.none())
          expect(yield* comments.findById(project.id, task.id, CommentId.make(randomUUID()))).toEqual(Option.none())

          const edited = new Comment({ ...c1, body: "Edited body", editedAt: Option.some(minutes(5)) })
          yield* comments.update(edited)
          expect(yield* comments.findById(project.id, task.id, c1.id)).toEqual(Option.some(edited))

          // c2 and c3 share created_at: the id breaks the tie, smallest first.
          const expected = [edited, ...[c2, c3].sort((x, y) => byId(x.id, y.id)), c4]
          expect(yield* comments.list(task.id, Option.none(), 10)).toEqual(expected)
          const first = yield* comments.list(task.id, Option.none(), 2)
          expect(first).toEqual(expected.slice(0, 3))
          const last = first[1]!
          expect(yield* comments.list(task.id, Option.some({ at: ms(last.createdAt), id: last.id }), 2)).toEqual(expected.slice(2))
          expect(yield* comments.list(sibling.id, Option.none(), 10)).toEqual([onSibling])

          yield* comments.delete(c2.id)
          expect(yield* comments.findById(project.id, task.id, c2.id)).toEqual(Option.none())
          expect(idsOf(yield* comments.list(task.id, Option.none(), 10))).toEqual(idsOf(expected.filter((c) => c.id !== c2.id)))
        }))
    })

    describe("ActivityLog", () => {
      it.effect("records entries and lists a project's newest first in pages, changes intact", () =>
        Effect.gen(function*() {
          const activity = yield* ActivityLog
          const { owner, project } = yield* withProject()
          const entry = (minute: number, overrides: Partial<ConstructorParameters<typeof ActivityEntry>[0]> = {}) =>
            new ActivityEntry({
              id: randomUUID(),
              projectId: project.id,
              actorId: owner.id,
              action: "task.updated",
              targetType: "task",
              targetId: randomUUID(),
              changes: {},
              createdAt: minutes(minute),
              ...overrides
            })
          const e1 = entry(1, { action: "project.created", targetType: "project", targetId: project.id })
          const e2 = entry(2, { changes: { status: { before: "todo", after: "done" } } })
          const e3 = entry(2, {
            changes: { labels: { before: ["a"], after: ["a", "b"] }, due_date: { before: null, after: "2026-02-01" } }
          })
          const e4 = entry(3, { action: "task.created", changes: { title: { after: "New task" } } })
          const e5 = entry(4, { action: "task.deleted", changes: { title: { before: "Old task" } } })
          yield* Effect.forEach([e3, e1, e5, e2, e4], activity.record)
          const other = yield* withProject()
          yield* activity.record(new ActivityEntry({ ...e1, id: randomUUID(), projectId: other.project.id, actorId: other.owner.id }))

          // e2 and e3 share created_at: the id breaks the tie, greatest first.
          const expected = [e5, e4, ...[e2, e3].sort((x, y) => byId(y.id, x.id)), e1]
          expect(yield* activity.list(project.id, Option.none(), 10)).toEqual(expected)
          const first = yield* activity.list(project.id, Option.none(), 2)
          expect(first).toEqual(expected.slice(0, 3))
          const last = first[1]!
          const second = yield* activity.list(project.id, Option.some({ at: ms(last.createdAt), id: last.id }), 2)
          expect(second).toEqual(expected.slice(2, 5))
          const tail = second[1]!
          expect(yield* activity.list(project.id, Option.some({ at: ms(tail.createdAt), id: tail.id }), 2)).toEqual([e1])

          const listed = (yield* activity.list(project.id, Option.none(), 10)).find((e) => e.id === e2.id)!
          expect(listed.changes).toEqual({ status: { before: "todo", after: "done" } })
        }))
    })
  })

