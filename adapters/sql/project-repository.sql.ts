import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { ProjectRepository } from "../../application/ports/project-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { AlreadyMember } from "../../domain/projects/errors.js"
import { Membership, Project, ProjectId, ProjectRole, ProjectStatus } from "../../domain/projects/project.js"
import { containsPattern } from "./sql-values.js"
import { isUniqueViolation, orStorageFailure, storageFailure } from "./storage-errors.js"
import type { StorageUnavailable } from "../../application/ports/errors.js"

const ProjectRow = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  description: Schema.String,
  status: ProjectStatus,
  created_by: Schema.String,
  created_at: Schema.DateFromSelf,
  updated_at: Schema.DateFromSelf,
  archived_at: Schema.NullOr(Schema.DateFromSelf)
})
const ProjectWithRoleRow = Schema.Struct({ ...ProjectRow.fields, role: ProjectRole })
const MemberRow = Schema.Struct({
  project_id: Schema.String,
  user_id: Schema.String,
  role: ProjectRole,
  created_at: Schema.DateFromSelf,
  email: Schema.String,
  name: Schema.String
})

const toProject = (row: typeof ProjectRow.Type) =>
  new Project({
    id: ProjectId.make(row.id),
    name: row.name,
    description: row.description,
    status: row.status,
    createdBy: UserId.make(row.created_by),
    createdAt: DateTime.unsafeFromDate(row.created_at),
    updatedAt: DateTime.unsafeFromDate(row.updated_at),
    archivedAt: Option.map(Option.fromNullable(row.archived_at), DateTime.unsafeFromDate)
  })

const toMembership = (row: { project_id: string; user_id: string; role: ProjectRole; created_at: Date }) =>
  new Membership({
    projectId: ProjectId.make(row.project_id),
    userId: UserId.make(row.user_id),
    role: row.role,
    createdAt: DateTime.unsafeFromDate(row.created_at)
  })


export const ProjectRepositorySql = Layer.effect(
  ProjectRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insertMember = (m: Membership) =>
      sql`INSERT INTO project_members ${
        sql.insert({ project_id: m.projectId, user_id: m.userId, role: m.role, created_at: DateTime.toDateUtc(m.createdAt) })
      }`
    return {
      insert: (project, owner) =>
        sql.withTransaction(
          Effect.zipRight(
            sql`INSERT INTO projects ${
              sql.insert({
                id: project.id,
                name: project.name,
                description: project.description,
                status: project.status,
                created_by: project.createdBy,
                created_at: DateTime.toDateUtc(project.createdAt),
                updated_at: DateTime.toDateUtc(project.updatedAt),
                archived_at: Option.getOrNull(Option.map(project.archivedAt, DateTime.toDateUtc))
              })
            }`,
            insertMember(owner)
          )
        ).pipe(Effect.asVoid, orStorageFailure),
      findById: (id) =>
        sql`SELECT * FROM projects WHERE id = ${id}`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(ProjectRow))),
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toProject)),
          orStorageFailure
        ),
      update: (p) =>
        sql`UPDATE projects SET name = ${p.name}, description = ${p.description}, status = ${p.status},
            updated_at = ${DateTime.toDateUtc(p.updatedAt)},
            archived_at = ${Option.getOrNull(Option.map(p.archivedAt, DateTime.toDateUtc))}
            WHERE id = ${p.id}`.pipe(Effect.asVoid, orStorageFailure),
      delete: (id) => sql`DELETE FROM projects WHERE id = ${id}`.pipe(Effect.asVoid, orStorageFailure),
      listForUser: (userId, filter, after, limit) => {
        if (filter.statuses.length === 0) return Effect.succeed([])
        const conditions = [
          sql`m.user_id = ${userId}`,
          sql`p.status IN ${sql.in(filter.statuses as Array<string>)}`,
          ...Option.match(filter.q, {
            onNone: () => [],
            onSome: (q) => [sql`(p.name ILIKE ${containsPattern(q)} OR p.description ILIKE ${containsPattern(q)})`]
          }),
          ...Option.match(after, { onNone: () => [], onSome: (pos) => [sql`(p.created_at, p.id) < (${new Date(pos.at)}, ${pos.id})`] })
        ]
        return sql`SELECT p.*, m.role FROM projects p JOIN project_members m ON m.project_id = p.id
                   WHERE ${sql.and(conditions)} ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit + 1}`.pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(ProjectWithRoleRow))),
          Effect.map((rows) => rows.map((row) => ({ project: toProject(row), role: row.role }))),
          orStorageFailure
        )
      },
      membership: (projectId, userId) =>
        sql<{ project_id: string; user_id: string; role: ProjectRole; created_at: Date }>`
          SELECT * FROM project_members WHERE project_id = ${projectId} AND user_id = ${userId}`.pipe(
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toMembership)),
          orStorageFailure
        ),
      members: (projectId, after, limit) =>
        Option.match(after, {
          onNone: () =>
            sql`SELECT m.*, u.email, u.name FROM project_members m JOIN users u ON u.id = m.user_id
                WHERE m.project_id = ${projectId} ORDER BY m.created_at, m.user_id LIMIT ${limit + 1}`,
          onSome: (pos) =>
            sql`SELECT m.*, u.email, u.name FROM project_members m JOIN users u ON u.id = m.user_id
                WHERE m.project_id = ${projectId} AND (m.created_at, m.user_id) > (${new Date(pos.at)}, ${pos.id})
                ORDER BY m.created_at, m.user_id LIMIT ${limit + 1}`
        }).pipe(
          Effect.flatMap(Schema.decodeUnknown(Schema.Array(MemberRow))),
          Effect.map((rows) => rows.map((row) => ({ membership: toMembership(row), email: row.email, name: row.name }))),
          orStorageFailure
        ),
      addMember: (m) =>
        insertMember(m).pipe(
          Effect.asVoid,
          Effect.catchAll((error): Effect.Effect<never, AlreadyMember | StorageUnavailable> =>
            isUniqueViolation(error) ? Effect.fail(new AlreadyMember()) : storageFailure(error)
          )
        ),
      setRole: (projectId, userId, role) =>
        sql`UPDATE project_members SET role = ${role} WHERE project_id = ${projectId} AND user_id = ${userId}`.pipe(
          Effect.asVoid,
          orStorageFailure
        ),
      removeMember: (projectId, userId) =>
        sql`DELETE FROM project_members WHERE project_id = ${projectId} AND user_id = ${userId}`.pipe(Effect.asVoid, orStorageFailure),
      countOwners: (projectId) =>
        sql<{ n: string | number }>`SELECT count(*) AS n FROM project_members WHERE project_id = ${projectId} AND role = 'owner'`.pipe(
          Effect.map((rows) => Number(rows[0]?.n ?? 0)),
          orStorageFailure
        )
    }
  })
)
