import { Context, DateTime, Effect, Layer, Option, Ref } from "effect"
import { ActivityLog } from "../../application/ports/activity-log.js"
import { CommentRepository } from "../../application/ports/comment-repository.js"
import { ProjectRepository } from "../../application/ports/project-repository.js"
import { type TaskSort, TaskRepository, type TaskStats } from "../../application/ports/task-repository.js"
import type { ActivityEntry } from "../../domain/projects/activity.js"
import { Comment } from "../../domain/projects/comment.js"
import { AlreadyMember } from "../../domain/projects/errors.js"
import { Membership, type Project } from "../../domain/projects/project.js"
import { isOverdue, Task } from "../../domain/projects/task.js"
import { sortNumber } from "../../application/projects/tasks.js"
import type { User } from "../../domain/identity/user.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { newestFirstAfter, oldestFirstAfter } from "./keyset.js"

interface State {
  readonly projects: ReadonlyMap<string, Project>
  readonly members: ReadonlyMap<string, Membership>
  readonly tasks: ReadonlyMap<string, Task>
  readonly comments: ReadonlyMap<string, Comment>
  readonly activity: ReadonlyArray<ActivityEntry>
}

const memberKey = (projectId: string, userId: string) => `${projectId}/${userId}`
const ms = DateTime.toEpochMillis

/** The numbers tasks sort by (the use-cases build cursors from the same function). */
export const sortKey = sortNumber
const descending = (sort: TaskSort) => sort.startsWith("-")
/** True when there is no condition, or the condition holds. */
const holds = <A>(condition: Option.Option<A>, f: (a: A) => boolean) => Option.isNone(condition) || f(condition.value)

/**
 * For tests only: the four projects ports over one shared state, so that deleting a project takes its
 * members, tasks, comments and activity with it, as the SQL schema's cascades do.
 */
export const ProjectsMemory = Layer.effectContext(
  Effect.gen(function*() {
    const state = yield* Ref.make<State>({ projects: new Map(), members: new Map(), tasks: new Map(), comments: new Map(), activity: [] })
    const users = yield* UserRepository
    const modify = <A>(f: (s: State) => readonly [A, State]) => Ref.modify(state, f)
    const update = (f: (s: State) => State) => Ref.update(state, f)
    const withMap = <K extends keyof State>(key: K, s: State, value: State[K]): State => ({ ...s, [key]: value })

    const projects = ProjectRepository.of({
      insert: (project, owner) =>
        update((s) => ({
          ...s,
          projects: new Map(s.projects).set(project.id, project),
          members: new Map(s.members).set(memberKey(project.id, owner.userId), owner)
        })),
      findById: (id) => Effect.map(Ref.get(state), (s) => Option.fromNullishOr(s.projects.get(id))),
      update: (project) => update((s) => s.projects.has(project.id) ? withMap("projects", s, new Map(s.projects).set(project.id, project)) : s),
      delete: (id) =>
        update((s) => {
          const projectsLeft = new Map(s.projects)
          projectsLeft.delete(id)
          return {
            projects: projectsLeft,
            members: new Map([...s.members].filter(([, m]) => m.projectId !== id)),
            tasks: new Map([...s.tasks].filter(([, t]) => t.projectId !== id)),
            comments: new Map([...s.comments].filter(([, c]) => c.projectId !== id)),
            activity: s.activity.filter((a) => a.projectId !== id)
          }
        }),
      listForUser: (userId, filter, after, limit) =>
        Effect.map(Ref.get(state), (s) => {
          const q = Option.map(filter.q, (x) => x.toLowerCase())
          const mine = [...s.members.values()].filter((m) => m.userId === userId).flatMap((m) => {
            const project = s.projects.get(m.projectId)
            if (!project || !filter.statuses.includes(project.status)) return []
            if (Option.isSome(q) && !`${project.name}\n${project.description}`.toLowerCase().includes(q.value)) return []
            return [{ id: project.id, createdAt: project.createdAt, project, role: m.role }]
          })
          return newestFirstAfter(mine, after, limit).map(({ project, role }) => ({ project, role }))
        }),
      membership: (projectId, userId) => Effect.map(Ref.get(state), (s) => Option.fromNullishOr(s.members.get(memberKey(projectId, userId)))),
      access: (projectId, userId) =>
        Effect.map(Ref.get(state), (s) => {
          const membership = s.members.get(memberKey(projectId, userId))
          const project = s.projects.get(projectId)
          return membership && project ? Option.some({ project, membership }) : Option.none()
        }),
      members: (projectId, after, limit) =>
        Effect.gen(function*() {
          const s = yield* Ref.get(state)
          const page = oldestFirstAfter(
            [...s.members.values()].filter((m) => m.projectId === projectId),
            (m) => ({ at: ms(m.createdAt), id: m.userId }),
            after,
            limit
          )
          return yield* Effect.forEach(page, (membership) =>
            Effect.map(users.findById(membership.userId), (u) => ({
              membership,
              email: Option.match(u, { onNone: () => "", onSome: (x: User) => x.email }),
              name: Option.match(u, { onNone: () => "", onSome: (x: User) => x.name })
            })))
        }),
      addMember: (m) =>
        modify((s) => {
          if (s.members.has(memberKey(m.projectId, m.userId))) return [false, s] as const
          return [true, withMap("members", s, new Map(s.members).set(memberKey(m.projectId, m.userId), m))] as const
        }).pipe(Effect.flatMap((added) => added ? Effect.void : Effect.fail(new AlreadyMember()))),
      setRole: (projectId, userId, role) =>
        update((s) => {
          const m = s.members.get(memberKey(projectId, userId))
          return m ? withMap("members", s, new Map(s.members).set(memberKey(projectId, userId), new Membership({ ...m, role }))) : s
        }),
      removeMember: (projectId, userId) =>
        update((s) => {
          const members = new Map(s.members)
          members.delete(memberKey(projectId, userId))
          // As the SQL foreign key does: a member who leaves is unassigned from the project's tasks.
          const tasks = new Map([...s.tasks].map(([id, t]) =>
            [id, t.projectId === projectId && t.assigneeIds.includes(userId) ? new Task({ ...t, assigneeIds: t.assigneeIds.filter((a) => a !== userId) }) : t]
          ))
          return { ...s, members, tasks }
        }),
      countOwners: (projectId) =>
        Effect.map(Ref.get(state), (s) => [...s.members.values()].filter((m) => m.projectId === projectId && m.role === "owner").length)
    })

    const tasks = TaskRepository.of({
      insert: (task) => update((s) => withMap("tasks", s, new Map(s.tasks).set(task.id, task))),
      findById: (projectId, id) =>
        Effect.map(Ref.get(state), (s) => Option.filter(Option.fromNullishOr(s.tasks.get(id)), (t) => t.projectId === projectId)),
      update: (task, expectedVersion) =>
        modify((s) => {
          const current = s.tasks.get(task.id)
          if (!current || current.projectId !== task.projectId || current.version !== expectedVersion) return [false, s] as const
          return [true, withMap("tasks", s, new Map(s.tasks).set(task.id, task))] as const
        }),
      delete: (projectId, id) =>
        modify((s) => {
          const current = s.tasks.get(id)
          if (!current || current.projectId !== projectId) return [false, s] as const
          const remaining = new Map(s.tasks)
          remaining.delete(id)
          const unblocked = new Map([...remaining].map(([k, t]) =>
            [k, t.blockedBy.includes(id) ? new Task({ ...t, blockedBy: t.blockedBy.filter((b) => b !== id) }) : t]
          ))
          return [true, { ...s, tasks: unblocked, comments: new Map([...s.comments].filter(([, c]) => c.taskId !== id)) }] as const
        }),
      list: (projectId, filter, sort, after, limit) =>
        Effect.map(Ref.get(state), (s) => {
          const q = Option.map(filter.q, (x) => x.toLowerCase())
          const sign = descending(sort) ? -1 : 1
          return [...s.tasks.values()]
            .filter((t) =>
              t.projectId === projectId &&
              holds(filter.status, (x) => t.status === x) &&
              holds(filter.priority, (x) => t.priority === x) &&
              holds(filter.dueBefore, (x) => Option.isSome(t.dueDate) && t.dueDate.value < x) &&
              holds(filter.label, (x) => t.labels.includes(x)) &&
              holds(filter.assigneeId, (x) => t.assigneeIds.includes(x)) &&
              holds(q, (x) => `${t.title}\n${t.description}`.toLowerCase().includes(x))
            )
            .map((t) => ({ t, k: sortKey(sort, t) }))
            .filter(({ k, t }) =>
              holds(after, (p) => sign * (k - p.k) > 0 || (k === p.k && sign * (t.id < p.id ? -1 : t.id > p.id ? 1 : 0) > 0)))
            .sort((a, b) => sign * (a.k - b.k) || sign * (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0))
            .slice(0, limit + 1)
            .map(({ t }) => t)
        }),
      dependencyGraph: (projectId) =>
        Effect.map(Ref.get(state), (s) =>
          new Map([...s.tasks.values()].filter((t) => t.projectId === projectId && t.blockedBy.length > 0).map((t) => [t.id as string, t.blockedBy as ReadonlyArray<string>]))),
      unassign: (projectId, userId) =>
        update((s) =>
          withMap("tasks", s, new Map([...s.tasks].map(([id, t]) =>
            [id, t.projectId === projectId && t.assigneeIds.includes(userId) ? new Task({ ...t, assigneeIds: t.assigneeIds.filter((a) => a !== userId) }) : t]
          )))),
      stats: (projectId, today) =>
        Effect.map(Ref.get(state), (s): TaskStats => {
          const all = [...s.tasks.values()].filter((t) => t.projectId === projectId)
          const byStatus = { todo: 0, in_progress: 0, in_review: 0, done: 0, cancelled: 0 }
          const per = new Map<string, { open: number; done: number }>()
          for (const t of all) {
            byStatus[t.status]++
            for (const a of t.assigneeIds) {
              const entry = per.get(a) ?? { open: 0, done: 0 }
              if (t.status === "done") entry.done++
              else if (t.status !== "cancelled") entry.open++
              per.set(a, entry)
            }
          }
          return {
            byStatus,
            overdue: all.filter((t) => isOverdue(t, today)).length,
            perAssignee: [...per].sort(([a], [b]) => (a < b ? -1 : 1)).map(([userId, c]) => ({ userId: userId as Task["createdBy"], ...c }))
          }
        })
    })

    const comments = CommentRepository.of({
      insert: (c) => update((s) => withMap("comments", s, new Map(s.comments).set(c.id, c))),
      findById: (projectId, taskId, id) =>
        Effect.map(Ref.get(state), (s) =>
          Option.filter(Option.fromNullishOr(s.comments.get(id)), (c) => c.projectId === projectId && c.taskId === taskId)),
      update: (c) => update((s) => s.comments.has(c.id) ? withMap("comments", s, new Map(s.comments).set(c.id, c)) : s),
      delete: (id) =>
        update((s) => {
          const remaining = new Map(s.comments)
          remaining.delete(id)
          return withMap("comments", s, remaining)
        }),
      list: (taskId, after, limit) =>
        Effect.map(Ref.get(state), (s) =>
          oldestFirstAfter([...s.comments.values()].filter((c) => c.taskId === taskId), (c) => ({ at: ms(c.createdAt), id: c.id }), after, limit))
    })

    const activity = ActivityLog.of({
      record: (entry) => update((s) => ({ ...s, activity: [...s.activity, entry] })),
      list: (projectId, after, limit) =>
        Effect.map(Ref.get(state), (s) => newestFirstAfter(s.activity.filter((a) => a.projectId === projectId), after, limit))
    })

    return Context.make(ProjectRepository, projects).pipe(
      Context.add(TaskRepository, tasks),
      Context.add(CommentRepository, comments),
      Context.add(ActivityLog, activity)
    )
  })
)
