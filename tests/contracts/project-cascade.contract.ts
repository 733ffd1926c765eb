import { randomUUID } from "node:crypto"
import { SqlClient } from "effect/sql"
import { describe, expect, type Vitest } from "@effect/vitest"
import { Effect, Option } from "effect"
import { ActivityLog } from "../../application/ports/activity-log.js"
import { CommentRepository } from "../../application/ports/comment-repository.js"
import { ProjectRepository } from "../../application/ports/project-repository.js"
import { TaskRepository } from "../../application/ports/task-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import type { User } from "../../domain/identity/user.js"
import { ActivityEntry } from "../../domain/projects/activity.js"
import { Comment, CommentId } from "../../domain/projects/comment.js"
import { Membership, Project, ProjectId } from "../../domain/projects/project.js"
import { Task, TaskId } from "../../domain/projects/task.js"
import { at, makeUser } from "../support/fixtures.js"

type Ports = ProjectRepository | TaskRepository | CommentRepository | ActivityLog | UserRepository | SqlClient.SqlClient

const newUser = Effect.gen(function*() {
  const user = makeUser()
  yield* (yield* UserRepository).insert(user)
  return user
})

/**
 * A project with its owner and `member` (owner and member both assigned), three tasks (the third
 * blocked by the first two), a comment on each task and an activity entry per task.
 */
const seedProject = (owner: User, member: User, name: string) =>
  Effect.gen(function*() {
    const projects = yield* ProjectRepository
    const tasks = yield* TaskRepository
    const comments = yield* CommentRepository
    const activity = yield* ActivityLog
    const project = new Project({
      id: ProjectId.make(randomUUID()),
      name,
      description: "",
      status: "active",
      createdBy: owner.id,
      createdAt: at("1 minute"),
      updatedAt: at("1 minute"),
      archivedAt: Option.none()
    })
    yield* projects.insert(project, new Membership({ projectId: project.id, userId: owner.id, role: "owner", createdAt: at("1 minute") }))
    yield* projects.addMember(new Membership({ projectId: project.id, userId: member.id, role: "member", createdAt: at("2 minutes") }))
    const task = (title: string, assigneeIds: ReadonlyArray<User["id"]>, blockedBy: ReadonlyArray<TaskId> = []) =>
      new Task({
        id: TaskId.make(randomUUID()),
        projectId: project.id,
        title,
        description: "",
        status: "todo",
        priority: "medium",
        assigneeIds: [...assigneeIds].sort(),
        labels: ["x"],
        dueDate: Option.none(),
        position: 1,
        blockedBy: [...blockedBy].sort(),
        completedAt: Option.none(),
        createdBy: owner.id,
        createdAt: at("3 minutes"),
        updatedAt: at("3 minutes"),
        version: 1
      })
    const t1 = task("one", [owner.id])
    const t2 = task("two", [owner.id, member.id])
    const t3 = task("three", [member.id], [t1.id, t2.id])
    yield* Effect.forEach([t1, t2, t3], tasks.insert)
    yield* Effect.forEach([t1, t2, t3], (t, i) =>
      Effect.andThen(
        comments.insert(
          new Comment({
            id: CommentId.make(randomUUID()),
            projectId: project.id,
            taskId: t.id,
            authorId: i % 2 === 0 ? owner.id : member.id,
            body: `on ${t.title}`,
            createdAt: at("4 minutes"),
            editedAt: Option.none()
          })
        ),
        activity.record(
          new ActivityEntry({
            id: randomUUID(),
            projectId: project.id,
            actorId: owner.id,
            action: "task.created",
            targetType: "task",
            targetId: t.id,
            changes: { title: { after: t.title } },
            createdAt: at("3 minutes")
          })
        )
      ))
    return { project, taskIds: [t1.id, t2.id, t3.id] as ReadonlyArray<string> }
  })

/** Rows of every projects table that belong to the project, counted in the database itself. */
const countRows = (projectId: string, taskIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const count = (query: Effect.Effect<ReadonlyArray<{ readonly n: string | number }>, unknown>) =>
      Effect.map(query, (rows) => Number(rows[0]?.n ?? -1))
    return {
      projects: yield* count(sql`SELECT count(*) AS n FROM projects WHERE id = ${projectId}`),
      project_members: yield* count(sql`SELECT count(*) AS n FROM project_members WHERE project_id = ${projectId}`),
      tasks: yield* count(sql`SELECT count(*) AS n FROM tasks WHERE project_id = ${projectId} OR id IN ${sql.in(taskIds)}`),
      task_assignees: yield* count(
        sql`SELECT count(*) AS n FROM task_assignees WHERE task_id IN ${sql.in(taskIds)} OR project_id = ${projectId}`
      ),
      task_dependencies: yield* count(
        sql`SELECT count(*) AS n FROM task_dependencies WHERE task_id IN ${sql.in(taskIds)} OR blocked_by_task_id IN ${sql.in(taskIds)}`
      ),
      task_comments: yield* count(
        sql`SELECT count(*) AS n FROM task_comments WHERE project_id = ${projectId} OR task_id IN ${sql.in(taskIds)}`
      ),
      project_activity: yield* count(sql`SELECT count(*) AS n FROM project_activity WHERE project_id = ${projectId}`)
    }
  })

/**
 * Deleting a project deletes everything of it, through the schema's cascades. SQL only: it counts
 * rows in the tables themselves.
 */
export const projectCascadeContract = (it: Vitest.MethodsNonLive<Ports>) =>
  describe("Project deletion cascade contract", () => {
    it.effect("deleting a project removes its members, tasks, assignments, dependencies, comments and activity, and nothing else", () =>
      Effect.gen(function*() {
        const projects = yield* ProjectRepository
        const [owner, member, otherOwner] = [yield* newUser, yield* newUser, yield* newUser]
        const doomed = yield* seedProject(owner, member, "doomed")
        // The member belongs to both projects: their other membership and assignments must survive.
        const kept = yield* seedProject(otherOwner, member, "kept")

        const before = yield* countRows(doomed.project.id, doomed.taskIds)
        expect(before).toEqual({
          projects: 1,
          project_members: 2,
          tasks: 3,
          task_assignees: 4,
          task_dependencies: 2,
          task_comments: 3,
          project_activity: 3
        })
        const keptBefore = yield* countRows(kept.project.id, kept.taskIds)
        expect(keptBefore).toEqual(before)

        yield* projects.delete(doomed.project.id)

        expect(yield* countRows(doomed.project.id, doomed.taskIds)).toEqual({
          projects: 0,
          project_members: 0,
          tasks: 0,
          task_assignees: 0,
          task_dependencies: 0,
          task_comments: 0,
          project_activity: 0
        })
        expect(yield* countRows(kept.project.id, kept.taskIds)).toEqual(keptBefore)
        expect(yield* projects.findById(doomed.project.id)).toEqual(Option.none())
        expect(Option.isSome(yield* projects.findById(kept.project.id))).toBe(true)
        expect(Option.isSome(yield* projects.membership(kept.project.id, member.id))).toBe(true)
        const keptTask = yield* (yield* TaskRepository).findById(kept.project.id, TaskId.make(kept.taskIds[1]!))
        expect(Option.map(keptTask, (t) => t.assigneeIds)).toEqual(Option.some([otherOwner.id, member.id].sort()))
        // The users themselves stay.
        expect(Option.isSome(yield* (yield* UserRepository).findById(owner.id))).toBe(true)
      }))
  })
