import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import { listActivity } from "../../application/projects/activity.js"
import { addComment, deleteComment, editComment } from "../../application/projects/comments.js"
import { addMember, changeMemberRole, removeMember } from "../../application/projects/members.js"
import {
  archiveProject,
  deleteProject,
  getProject,
  listProjects,
  projectStats,
  restoreProject,
  transferProject,
  updateProject
} from "../../application/projects/projects.js"
import { createTask, deleteTask, getTask, listTasks, updateTask } from "../../application/projects/tasks.js"
import { type TaskFilter, TaskRepository } from "../../application/ports/task-repository.js"
import { DueDate, Task, TaskId } from "../../domain/projects/task.js"
import { person, ProjectsTestLayer, taskInput, team } from "../support/projects-helpers.js"
import { tagOf } from "../support/fixtures.js"

const page = { limit: 50, cursor: Option.none() }

/** Tasks whose every other write loses a race: another writer adds a label between its read and its write. */
const RacingTasks = Layer.effect(
  TaskRepository,
  Effect.gen(function*() {
    const tasks = yield* TaskRepository
    let writes = 0
    return TaskRepository.of({
      ...tasks,
      update: (task, expectedVersion) =>
        writes++ % 2 === 0
          ? Effect.andThen(
            tasks.update(new Task({ ...task, title: `${task.title}?`, labels: ["concurrent"] }), expectedVersion),
            tasks.update(task, expectedVersion)
          )
          : tasks.update(task, expectedVersion)
    })
  })
)
const noFilter: TaskFilter = {
  status: Option.none(),
  assigneeId: Option.none(),
  priority: Option.none(),
  dueBefore: Option.none(),
  label: Option.none(),
  q: Option.none()
}

describe("projects", () => {
  it.effect("the creator owns it; lists show only members' projects, archived ones only when asked", () =>
    Effect.gen(function*() {
      const t = yield* team
      const listed = yield* listProjects(t.viewer.actor, { status: Option.none(), q: Option.none() }, page)
      expect(listed.items.map((i) => [i.project.id, i.role])).toEqual([[t.project.id, "viewer"]])
      expect((yield* listProjects(t.stranger.actor, { status: Option.none(), q: Option.none() }, page)).items).toEqual([])
      expect((yield* listProjects(t.owner.actor, { status: Option.none(), q: Option.some("moo") }, page)).items).toHaveLength(1)
      expect((yield* listProjects(t.owner.actor, { status: Option.none(), q: Option.some("mars") }, page)).items).toHaveLength(0)
      yield* archiveProject(t.admin.actor, t.project.id)
      expect((yield* listProjects(t.owner.actor, { status: Option.none(), q: Option.none() }, page)).items).toHaveLength(0)
      expect((yield* listProjects(t.owner.actor, { status: Option.some("archived"), q: Option.none() }, page)).items).toHaveLength(1)
      expect((yield* listProjects(t.owner.actor, { status: Option.some("all"), q: Option.none() }, page)).items).toHaveLength(1)
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("a stranger gets NotFound for everything, as if the project did not exist", () =>
    Effect.gen(function*() {
      const t = yield* team
      const task = yield* createTask(t.member.actor, t.project.id, taskInput())
      const s = t.stranger.actor
      const outcomes = yield* Effect.all([
        tagOf(getProject(s, t.project.id)),
        tagOf(updateProject(s, t.project.id, { name: Option.some("x"), description: Option.none() })),
        tagOf(deleteProject(s, t.project.id)),
        tagOf(getTask(s, t.project.id, task.id)),
        tagOf(createTask(s, t.project.id, taskInput())),
        tagOf(listActivity(s, t.project.id, page)),
        tagOf(projectStats(s, t.project.id))
      ])
      expect(outcomes).toEqual(Array(7).fill("NotFound"))
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("archived projects refuse edits (409) until restored; only admins archive", () =>
    Effect.gen(function*() {
      const t = yield* team
      expect(yield* tagOf(archiveProject(t.member.actor, t.project.id))).toBe("Forbidden")
      yield* archiveProject(t.admin.actor, t.project.id)
      expect(yield* tagOf(createTask(t.member.actor, t.project.id, taskInput()))).toBe("ProjectArchived")
      expect(yield* tagOf(updateProject(t.admin.actor, t.project.id, { name: Option.some("B"), description: Option.none() }))).toBe("ProjectArchived")
      yield* getProject(t.viewer.actor, t.project.id)
      yield* restoreProject(t.admin.actor, t.project.id)
      yield* createTask(t.member.actor, t.project.id, taskInput())
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("only the owner deletes; everything goes with the project", () =>
    Effect.gen(function*() {
      const t = yield* team
      const task = yield* createTask(t.member.actor, t.project.id, taskInput())
      expect(yield* tagOf(deleteProject(t.admin.actor, t.project.id))).toBe("Forbidden")
      yield* deleteProject(t.owner.actor, t.project.id)
      expect(yield* tagOf(getProject(t.owner.actor, t.project.id))).toBe("NotFound")
      expect(yield* tagOf(getTask(t.owner.actor, t.project.id, task.id))).toBe("NotFound")
    }).pipe(Effect.provide(ProjectsTestLayer)))
})

describe("members and roles", () => {
  it.effect("nobody grants a role above their own or changes someone above them", () =>
    Effect.gen(function*() {
      const t = yield* team
      const newcomer = yield* person("newcomer")
      expect(yield* tagOf(addMember(t.admin.actor, t.project.id, newcomer.email, "owner"))).toBe("Forbidden")
      expect(yield* tagOf(addMember(t.member.actor, t.project.id, newcomer.email, "viewer"))).toBe("Forbidden")
      yield* addMember(t.admin.actor, t.project.id, newcomer.email, "admin")
      expect(yield* tagOf(addMember(t.admin.actor, t.project.id, newcomer.email, "viewer"))).toBe("AlreadyMember")
      expect(yield* tagOf(changeMemberRole(t.admin.actor, t.project.id, t.owner.actor.userId, "viewer"))).toBe("Forbidden")
      yield* changeMemberRole(t.admin.actor, t.project.id, t.member.actor.userId, "viewer")
      expect(yield* tagOf(createTask(t.member.actor, t.project.id, taskInput()))).toBe("Forbidden")
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("the last owner cannot leave or be demoted; after a transfer they can", () =>
    Effect.gen(function*() {
      const t = yield* team
      expect(yield* tagOf(removeMember(t.owner.actor, t.project.id, t.owner.actor.userId))).toBe("InvalidProjectChange")
      expect(yield* tagOf(changeMemberRole(t.owner.actor, t.project.id, t.owner.actor.userId, "admin"))).toBe("InvalidProjectChange")
      expect(yield* tagOf(transferProject(t.admin.actor, t.project.id, t.member.actor.userId))).toBe("Forbidden")
      yield* transferProject(t.owner.actor, t.project.id, t.admin.actor.userId)
      expect((yield* getProject(t.admin.actor, t.project.id)).role).toBe("owner")
      expect((yield* getProject(t.owner.actor, t.project.id)).role).toBe("admin")
      yield* removeMember(t.owner.actor, t.project.id, t.owner.actor.userId)
      expect(yield* tagOf(getProject(t.owner.actor, t.project.id))).toBe("NotFound")
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("a member who leaves is unassigned from the project's tasks", () =>
    Effect.gen(function*() {
      const t = yield* team
      const task = yield* createTask(t.member.actor, t.project.id, taskInput({ assigneeIds: [t.member.actor.userId, t.admin.actor.userId] }))
      yield* removeMember(t.member.actor, t.project.id, t.member.actor.userId)
      expect((yield* getTask(t.owner.actor, t.project.id, task.id)).assigneeIds).toEqual([t.admin.actor.userId])
    }).pipe(Effect.provide(ProjectsTestLayer)))
})

describe("tasks", () => {
  it.effect("viewers read, members write; assignees must be members", () =>
    Effect.gen(function*() {
      const t = yield* team
      expect(yield* tagOf(createTask(t.viewer.actor, t.project.id, taskInput()))).toBe("Forbidden")
      expect(yield* tagOf(createTask(t.member.actor, t.project.id, taskInput({ assigneeIds: [t.stranger.actor.userId] })))).toBe("InvalidProjectChange")
      const task = yield* createTask(t.member.actor, t.project.id, taskInput({ assigneeIds: [t.viewer.actor.userId] }))
      expect((yield* getTask(t.viewer.actor, t.project.id, task.id)).assigneeIds).toEqual([t.viewer.actor.userId])
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("a task of another project answers NotFound through this project's path", () =>
    Effect.gen(function*() {
      const a = yield* team
      const other = a.project
      const b = yield* team
      const foreign = yield* createTask(b.owner.actor, b.project.id, taskInput())
      expect(yield* tagOf(getTask(a.owner.actor, other.id, foreign.id))).toBe("NotFound")
      expect(yield* tagOf(updateTask(a.owner.actor, other.id, foreign.id, { version: 1, title: "x" }))).toBe("NotFound")
      expect(yield* tagOf(deleteTask(a.owner.actor, other.id, foreign.id))).toBe("NotFound")
      expect(yield* tagOf(createTask(a.owner.actor, other.id, taskInput({ blockedBy: [foreign.id] })))).toBe("InvalidProjectChange")
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("a stale version is refused (409), never silently overwritten", () =>
    Effect.gen(function*() {
      const t = yield* team
      const task = yield* createTask(t.member.actor, t.project.id, taskInput())
      yield* updateTask(t.member.actor, t.project.id, task.id, { version: 1, title: "First edit" })
      const stale = yield* Effect.flip(updateTask(t.admin.actor, t.project.id, task.id, { version: 1, title: "Lost edit" }))
      expect(stale._tag === "StaleVersion" && stale.current).toBe(2)
      expect((yield* getTask(t.owner.actor, t.project.id, task.id)).title).toBe("First edit")
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("without a version a patch applies to the task as it is now, even one that lost a race", () =>
    Effect.gen(function*() {
      const t = yield* team
      const task = yield* createTask(t.member.actor, t.project.id, taskInput())
      yield* updateTask(t.member.actor, t.project.id, task.id, { version: 1, title: "First edit" })
      const plain = yield* updateTask(t.admin.actor, t.project.id, task.id, { priority: "high" })
      expect(plain).toMatchObject({ title: "First edit", priority: "high", version: 3 })
      expect((yield* getTask(t.owner.actor, t.project.id, task.id)).version).toBe(3)
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("an unversioned patch that loses a race is applied again over the newer task; a versioned one is refused", () =>
    Effect.gen(function*() {
      const t = yield* team
      const task = yield* createTask(t.member.actor, t.project.id, taskInput())
      const raced = yield* updateTask(t.admin.actor, t.project.id, task.id, { title: "Mine" })
      expect(raced).toMatchObject({ title: "Mine", labels: ["concurrent"], version: 3 })
      const stored = yield* getTask(t.owner.actor, t.project.id, task.id)
      expect(stored).toMatchObject({ title: "Mine", labels: ["concurrent"], version: 3 })
      const refused = yield* Effect.flip(updateTask(t.admin.actor, t.project.id, task.id, { version: 3, title: "Checked" }))
      expect(refused._tag === "StaleVersion" && refused.current).toBe(4)
    }).pipe(Effect.provide(RacingTasks.pipe(Layer.provideMerge(ProjectsTestLayer)))))

  it.effect("completed_at follows the status in and out of done", () =>
    Effect.gen(function*() {
      const t = yield* team
      const task = yield* createTask(t.member.actor, t.project.id, taskInput())
      const done = yield* updateTask(t.member.actor, t.project.id, task.id, { version: 1, status: "done" })
      expect(Option.isSome(done.completedAt)).toBe(true)
      yield* TestClock.adjust("1 hour")
      const stillDone = yield* updateTask(t.member.actor, t.project.id, task.id, { version: 2, title: "Renamed" })
      expect(stillDone.completedAt).toEqual(done.completedAt)
      const reopened = yield* updateTask(t.member.actor, t.project.id, task.id, { version: 3, status: "in_progress" })
      expect(Option.isNone(reopened.completedAt)).toBe(true)
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("dependencies stay within the project and never form a cycle", () =>
    Effect.gen(function*() {
      const t = yield* team
      const a = yield* createTask(t.member.actor, t.project.id, taskInput({ title: "A" }))
      const b = yield* createTask(t.member.actor, t.project.id, taskInput({ title: "B", blockedBy: [a.id] }))
      const c = yield* createTask(t.member.actor, t.project.id, taskInput({ title: "C", blockedBy: [b.id] }))
      expect(yield* tagOf(updateTask(t.member.actor, t.project.id, a.id, { version: 1, blockedBy: [c.id] }))).toBe("InvalidProjectChange")
      expect(yield* tagOf(updateTask(t.member.actor, t.project.id, a.id, { version: 1, blockedBy: [a.id] }))).toBe("InvalidProjectChange")
      expect(yield* tagOf(updateTask(t.member.actor, t.project.id, a.id, { version: 1, blockedBy: [TaskId.make(crypto.randomUUID())] }))).toBe("InvalidProjectChange")
      yield* deleteTask(t.member.actor, t.project.id, b.id)
      expect((yield* getTask(t.member.actor, t.project.id, c.id)).blockedBy).toEqual([])
      yield* updateTask(t.member.actor, t.project.id, a.id, { version: 1, blockedBy: [c.id] })
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("lists filter and sort; filtering by a stranger as assignee answers NotFound", () =>
    Effect.gen(function*() {
      const t = yield* team
      // A second apart, so creation order is not left to the ids' random bits.
      const mk = (title: string, extra: Parameters<typeof taskInput>[0]) =>
        Effect.tap(createTask(t.member.actor, t.project.id, taskInput({ title, ...extra })), TestClock.adjust("1 second"))
      yield* mk("alpha", { priority: "urgent", labels: ["bug"], dueDate: Option.some(DueDate.make("2026-01-10")) })
      yield* mk("beta", { priority: "low", assigneeIds: [t.member.actor.userId], dueDate: Option.some(DueDate.make("2026-01-05")) })
      yield* mk("gamma", { status: "done", labels: ["bug", "ui"] })
      const titles = (filter: Partial<TaskFilter>, sort: Parameters<typeof listTasks>[3] = "-created_at") =>
        Effect.map(listTasks(t.viewer.actor, t.project.id, { ...noFilter, ...filter }, sort, page), (p) => p.items.map((x) => x.title))
      expect(yield* titles({ label: Option.some("bug") }, "created_at")).toEqual(["alpha", "gamma"])
      expect(yield* titles({ status: Option.some("done") })).toEqual(["gamma"])
      expect(yield* titles({ assigneeId: Option.some(t.member.actor.userId) })).toEqual(["beta"])
      expect(yield* titles({ dueBefore: Option.some(DueDate.make("2026-01-06")) })).toEqual(["beta"])
      expect(yield* titles({ q: Option.some("GAM") })).toEqual(["gamma"])
      expect(yield* titles({}, "-priority")).toEqual(["alpha", "gamma", "beta"])
      expect(yield* titles({}, "due_date")).toEqual(["beta", "alpha", "gamma"])
      expect(yield* tagOf(listTasks(t.viewer.actor, t.project.id, { ...noFilter, assigneeId: Option.some(t.stranger.actor.userId) }, "-created_at", page))).toBe("NotFound")
      const stats = yield* projectStats(t.viewer.actor, t.project.id)
      expect(stats.byStatus).toEqual({ todo: 2, in_progress: 0, in_review: 0, done: 1, cancelled: 0 })
      expect(stats.perAssignee).toEqual([{ userId: t.member.actor.userId, open: 1, done: 0 }])
    }).pipe(Effect.provide(ProjectsTestLayer)))
})

describe("comments and activity", () => {
  it.effect("authors edit their own; admins delete any; members only their own", () =>
    Effect.gen(function*() {
      const t = yield* team
      const task = yield* createTask(t.member.actor, t.project.id, taskInput())
      const comment = yield* addComment(t.member.actor, t.project.id, task.id, "first!")
      expect(yield* tagOf(addComment(t.viewer.actor, t.project.id, task.id, "hi"))).toBe("Forbidden")
      expect(yield* tagOf(editComment(t.admin.actor, t.project.id, task.id, comment.id, "hijack"))).toBe("Forbidden")
      const edited = yield* editComment(t.member.actor, t.project.id, task.id, comment.id, "first, edited")
      expect(Option.isSome(edited.editedAt)).toBe(true)
      const other = yield* addComment(t.admin.actor, t.project.id, task.id, "admin says")
      expect(yield* tagOf(deleteComment(t.member.actor, t.project.id, task.id, other.id))).toBe("Forbidden")
      yield* deleteComment(t.admin.actor, t.project.id, task.id, comment.id)
    }).pipe(Effect.provide(ProjectsTestLayer)))

  it.effect("every change is in the activity, newest first, with before and after", () =>
    Effect.gen(function*() {
      const t = yield* team
      const task = yield* createTask(t.member.actor, t.project.id, taskInput())
      yield* TestClock.adjust("1 second")
      yield* updateTask(t.member.actor, t.project.id, task.id, { version: 1, status: "in_review", priority: "high" })
      const activity = yield* listActivity(t.viewer.actor, t.project.id, { limit: 2, cursor: Option.none() })
      expect(activity.items[0]?.action).toBe("task.updated")
      expect(activity.items[0]?.changes).toEqual({ status: { before: "todo", after: "in_review" }, priority: { before: "medium", after: "high" } })
      expect(Option.isSome(activity.nextCursor)).toBe(true)
      const all = yield* listActivity(t.viewer.actor, t.project.id, page)
      expect(all.items.map((e) => e.action)).toEqual(expect.arrayContaining(["project.created", "member.added", "task.created", "task.updated"]))
    }).pipe(Effect.provide(ProjectsTestLayer)))
})
