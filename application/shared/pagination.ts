import { Effect, Option, Schema } from "effect"

export interface PageRequest {
  readonly limit: number
  readonly cursor: Option.Option<string>
}

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: Option.Option<string>
}

/** Keyset position: newest first by (created_at, id). Opaque to clients (base64url JSON). */
export const Position = Schema.Struct({ at: Schema.Number, id: Schema.String })
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
