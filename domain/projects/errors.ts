import { Schema } from "effect"

/** The project is archived: it can be read and restored, not edited. */
export class ProjectArchived extends Schema.TaggedError<ProjectArchived>()("ProjectArchived", {}) {}

/** A PATCH that named a version older than the current one: someone else changed it in between. */
export class StaleVersion extends Schema.TaggedError<StaleVersion>()("StaleVersion", { current: Schema.Int }) {}

/** A change the rules refuse: the last owner leaving, a cycle of dependencies, an assignee who is not a member. */
export class InvalidProjectChange extends Schema.TaggedError<InvalidProjectChange>()("InvalidProjectChange", {
  field: Schema.String,
  reason: Schema.String
}) {}

export class AlreadyMember extends Schema.TaggedError<AlreadyMember>()("AlreadyMember", {}) {}
