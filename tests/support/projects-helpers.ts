import { Effect, Layer, Option, Redacted } from "effect"
import { authenticateAccessToken } from "../../application/identity/authenticate.js"
import { register } from "../../application/identity/register.js"
import { addMember } from "../../application/projects/members.js"
import { createProject } from "../../application/projects/projects.js"
import type { TaskInput } from "../../application/projects/tasks.js"
import { Email } from "../../domain/identity/user.js"
import type { ProjectRole } from "../../domain/projects/project.js"
import { ProjectsMemory } from "../../adapters/in-memory/projects.memory.js"
import { loginTokens, UseCaseLayer } from "./identity-helpers.js"

/** Identity and projects ports in memory, sharing one user store. */
export const ProjectsTestLayer = ProjectsMemory.pipe(Layer.provideMerge(UseCaseLayer))

const password = Redacted.make("correct horse battery")

/** A signed-in user (an Actor with a session) with a fresh email. */
export const person = (name: string) =>
  Effect.gen(function*() {
    const email = Email.make(`${name}-${crypto.randomUUID().slice(0, 8)}@example.com`)
    yield* register({ email, password, name })
    const tokens = yield* loginTokens({ email, password })
    return { email, actor: yield* authenticateAccessToken(tokens.accessToken) }
  })

/** A project owned by a new user, with one member of each other role, and a stranger. */
export const team = Effect.gen(function*() {
  const owner = yield* person("owner")
  const { project } = yield* createProject(owner.actor, { name: "Apollo", description: "Moon" })
  const join = (role: ProjectRole) =>
    Effect.gen(function*() {
      const p = yield* person(role)
      yield* addMember(owner.actor, project.id, p.email, role)
      return p
    })
  return {
    project,
    owner,
    admin: yield* join("admin"),
    member: yield* join("member"),
    viewer: yield* join("viewer"),
    stranger: yield* person("stranger")
  }
})

export const taskInput = (overrides: Partial<TaskInput> = {}): TaskInput => ({
  title: "Write the report",
  description: "",
  status: "todo",
  priority: "medium",
  assigneeIds: [],
  labels: [],
  dueDate: Option.none(),
  position: Option.none(),
  blockedBy: [],
  ...overrides
})
