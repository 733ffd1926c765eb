import { Schema } from "effect"

/**
 * A dependency (the database, most often) could not be reached or gave up. Transient: the caller may
 * retry. Every adapter collapses its connection-level failures into this one error; a bug in a query
 * is not this, it is a defect.
 */
export class StorageUnavailable extends Schema.TaggedError<StorageUnavailable>()("StorageUnavailable", {
  message: Schema.String
}) {}
