import { Effect, Option, Schema } from "effect"
import { FIRST_INSTANT_MS, LAST_INSTANT_MS } from "../../domain/shared/calendar-date.js"

export interface PageRequest {
  readonly limit: number
  readonly cursor: Option.Option<string>
}

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: Option.Option<string>
}

/**
 * A number a cursor carries: a timestamp in epoch milliseconds, or a sort key (a price, a rating, a
 * day number, a rank). Bounded to the instants of years 0001–9999, which every store can hold: a
 * cursor is client input, and `1e400` (Infinity), NaN or `-1e20` must be refused, not reach SQL.
 */
export const CursorNumber = Schema.Finite.check(Schema.isBetween({ minimum: FIRST_INSTANT_MS, maximum: LAST_INSTANT_MS }))

/** The id half of a keyset position: every id of BrainOps is a UUID. */
export const CursorId = Schema.String.check(Schema.isUUID())

/** Keyset position: newest first by (created_at, id). Opaque to clients (base64url JSON). */
export const Position = Schema.Struct({ at: CursorNumber, id: CursorId })
export type Position = typeof Position.Type

/** A cursor carrying `position`: base64url of its JSON. Every list's cursor is one of these. */
export const cursorOf = <S extends Schema.Codec<any, any>>(position: S) =>
  Schema.StringFromBase64Url.pipe(Schema.decodeTo(Schema.fromJsonString(position)))

const PositionFromCursor = cursorOf(Position)

export class InvalidCursor extends Schema.TaggedError<InvalidCursor>()("InvalidCursor", {}) {}

export const decodeCursor = (cursor: Option.Option<string>): Effect.Effect<Option.Option<Position>, InvalidCursor> =>
  Option.match(cursor, {
    onNone: () => Effect.succeed(Option.none()),
    onSome: (raw) => Schema.decodeEffect(PositionFromCursor)(raw).pipe(Effect.map(Option.some), Effect.mapError(() => new InvalidCursor()))
  })

export const encodeCursor = (position: Position): string => Schema.encodeSync(PositionFromCursor)(position)

/** Given limit + 1 rows fetched, the page and the cursor of its last item when there is more. */
export const toPage = <A>(rows: ReadonlyArray<A>, limit: number, positionOf: (a: A) => Position): Page<A> => {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? Option.some(encodeCursor(positionOf(last))) : Option.none()
  }
}
