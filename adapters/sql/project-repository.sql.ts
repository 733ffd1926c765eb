import { SqlClient, SqlSchema } from "effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { ProjectRepository } from "../../application/ports/project-repository.js"
import { UserId } from "../../domain/identity/user.js"
import { AlreadyMember } from "../../domain/projects/errors.js"
import { Membership, Project, ProjectId, ProjectRole, ProjectStatus } from "../../domain/projects/project.js"
import { allRows, firstRow, Int8, intoClass, OptionalTimestamp, Row, Timestamp } from "./rows.js"
import { containsPattern } from "./sql-values.js"
import { orConflictOnUnique, orStorageFailure } from "./storage-errors.js"

const ProjectRow = Row({
  id: ProjectId,
  name: Schema.String,
  description: Schema.String,
  status: ProjectStatus,
  createdBy: UserId,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archivedAt: OptionalTimestamp
}).pipe(intoClass(Project))
const project = firstRow(ProjectRow)

const MembershipRow = Row({
  projectId: ProjectId,
  userId: UserId,
  role: ProjectRole,
  createdAt: Timestamp
}).pipe(intoClass(Membership))
const membership = firstRow(MembershipRow)

/** A project's columns with the role of the user whose list it is in. */
const withRole = allRows(Schema.Struct({ project: ProjectRow, role: ProjectRole }))
/** A membership's columns with the member's email and name. */
const members = allRows(Schema.Struct({ membership: MembershipRow, email: Schema.String, name: Schema.String }))
const owners = firstRow(Row({ owners: Int8 }))
/** A project's columns with one member's role and joining time. */
const projectAccess = firstRow(Schema.Struct({ project: ProjectRow, membership: MembershipRow }))

export const ProjectRepositorySql = Layer.effect(
  ProjectRepository,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const insertProject = SqlSchema.void({ Request: ProjectRow, execute: (row) => sql`INSERT INTO projects ${sql.insert(row)}` })
    const insertMember = SqlSchema.void({ Request: MembershipRow, execute: (row) => sql`INSERT INTO project_members ${sql.insert(row)}` })
    return ProjectRepository.of({
      insert: (p, owner) => sql.withTransaction(Effect.andThen(insertProject(p), insertMember(owner))).pipe(orStorageFailure),
      findById: (id) => project(sql`SELECT * FROM projects WHERE id = ${id}`).pipe(orStorageFailure),
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
        return withRole(
          sql`SELECT p.*, m.role FROM projects p JOIN project_members m ON m.project_id = p.id
              WHERE ${sql.and(conditions)} ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit + 1}`.pipe(
            Effect.map((rows) => rows.map((row) => ({ project: row, role: row["role"] })))
          )
        ).pipe(orStorageFailure)
      },
      access: (projectId, userId) =>
        projectAccess(
          sql`SELECT p.*, m.role AS member_role, m.created_at AS member_created_at
              FROM project_members m JOIN projects p ON p.id = m.project_id
              WHERE m.project_id = ${projectId} AND m.user_id = ${userId}`.pipe(
            Effect.map((rows) =>
              rows.map((row) => ({
                project: row,
                membership: { project_id: row["id"], user_id: userId, role: row["member_role"], created_at: row["member_created_at"] }
              }))
            )
          )
        ).pipe(orStorageFailure),
      membership: (projectId, userId) =>
        membership(sql`SELECT * FROM project_members WHERE project_id = ${projectId} AND user_id = ${userId}`).pipe(orStorageFailure),
      members: (projectId, after, limit) =>
        members(
          Option.match(after, {
            onNone: () =>
              sql`SELECT m.*, u.email, u.name FROM project_members m JOIN users u ON u.id = m.user_id
                  WHERE m.project_id = ${projectId} ORDER BY m.created_at, m.user_id LIMIT ${limit + 1}`,
            onSome: (pos) =>
              sql`SELECT m.*, u.email, u.name FROM project_members m JOIN users u ON u.id = m.user_id
                  WHERE m.project_id = ${projectId} AND (m.created_at, m.user_id) > (${new Date(pos.at)}, ${pos.id})
                  ORDER BY m.created_at, m.user_id LIMIT ${limit + 1}`
          }).pipe(Effect.map((rows) => rows.map((row) => ({ membership: row, email: row["email"], name: row["name"] }))))
        ).pipe(orStorageFailure),
      addMember: (m) => insertMember(m).pipe(orConflictOnUnique(() => new AlreadyMember())),
      setRole: (projectId, userId, role) =>
        sql`UPDATE project_members SET role = ${role} WHERE project_id = ${projectId} AND user_id = ${userId}`.pipe(
          Effect.asVoid,
          orStorageFailure
        ),
      removeMember: (projectId, userId) =>
        sql`DELETE FROM project_members WHERE project_id = ${projectId} AND user_id = ${userId}`.pipe(Effect.asVoid, orStorageFailure),
      countOwners: (projectId) =>
        owners(sql`SELECT count(*) AS owners FROM project_members WHERE project_id = ${projectId} AND role = 'owner'`).pipe(
          Effect.map(Option.match({ onNone: () => 0, onSome: (r) => r.owners })),
          orStorageFailure
        )
    })
  })
)
