import { SqlSchema } from "effect/sql"
import type { SqlError } from "effect/sql/SqlError"
import { DateTime, Effect, Option, Schema, SchemaGetter, type SchemaIssue, SchemaTransformation } from "effect"

/**
 * The column schemas every row schema is built from, one per way sql-pg 4 hands a value over.
 * `timestamptz` comes as a `Date`.
 */
export const Timestamp = Schema.DateTimeUtcFromDate
export const OptionalTimestamp = Schema.OptionFromNullOr(Schema.DateTimeUtcFromDate)

/**
 * For rows read by a class's own constructor instead of a row schema (the hot reads: a task list,
 * the session behind every request): a timestamptz's Date in the domain's form, anything else left
 * as it is for the constructor to refuse; and a nullable column as an Option.
 */
export const instant = (value: unknown) => value instanceof Date ? DateTime.fromDateUnsafe(value) : value
export const optional = <A>(value: unknown, f: (v: unknown) => A) => value === null ? Option.none() : Option.some(f(value))
export const asIs = (value: unknown) => value

/**
 * `int8` (amounts in minor units, sizes) and `count(*)` come as a bigint; they stay far below 2^53,
 * so they are numbers in the domain.
 */
export const Int8 = Schema.BigInt.pipe(
  Schema.decodeTo(Schema.Int, {
    decode: SchemaGetter.transform((n: bigint) => Number(n)),
    encode: SchemaGetter.transform((n: number) => BigInt(n))
  })
)

/** `numeric` (a sum of integer columns, an average) comes as its decimal text. */
export const Numeric = Schema.NumberFromString

/**
 * `jsonb` comes parsed, and goes back as JSON text, which the column's type reads (an absent
 * value is written as JSON `null`).
 */
export const Jsonb = <S extends Schema.Top>(schema: S) =>
  Schema.Unknown.pipe(
    Schema.decodeTo(
      schema,
      SchemaTransformation.transform<S["Encoded"], unknown>({
        decode: (value) => value as S["Encoded"],
        encode: (value) => JSON.stringify(value ?? null)
      })
    )
  )

type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** A row as the driver hands it over: an object, whose columns the fields' own schemas check. */
const AnyRow = Schema.declare((u): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null && !Array.isArray(u))

/** Copies the keys of `from` that `input` has under the names at the same place in `to`. */
const renamer = (from: ReadonlyArray<string>, to: ReadonlyArray<string>) => (input: Readonly<Record<string, unknown>>) => {
  const out: Record<string, unknown> = {}
  for (let i = 0; i < from.length; i++) {
    const key = from[i]!
    if (Object.hasOwn(input, key)) out[to[i]!] = input[key]
  }
  return out
}

/**
 * A row schema: its fields are named as the domain names them and read from the snake_case columns
 * of the same name (`createdAt` ← `created_at`); each field's schema turns the column's value into
 * the domain's.
 *
 * It is what `Schema.encodeKeys` gives, typed as that, but parses a row once: encodeKeys parses every
 * column with the field's encoded schema, renames, then parses the renamed struct again, which made
 * decoding a task row about twice as expensive. Here the columns are renamed by hand (keys a row
 * lacks stay absent, columns the schema does not name are dropped, as encodeKeys does) and parsed
 * once, by the struct of the fields, with every check of those fields.
 */
export const Row = <const Fields extends Schema.Struct.Fields>(fields: Fields) => {
  const keys = Object.keys(fields)
  const columns = keys.map(snakeCase)
  const struct = Schema.Struct(fields)
  const toFields = renamer(columns, keys)
  const toColumns = renamer(keys, columns)
  type Renamed = Schema.encodeKeys<Schema.Struct<Fields>, { readonly [K in keyof Fields]: K extends string ? SnakeCase<K> : K }>
  return AnyRow.pipe(
    Schema.decodeTo(
      struct,
      SchemaTransformation.transform({
        decode: (row) => toFields(row) as (typeof struct)["Encoded"],
        encode: (value) => toColumns(value as Readonly<Record<string, unknown>>)
      })
    )
  ) as unknown as Renamed
}

type DomainClass<Self, In> = Schema.Top & {
  readonly Type: Self
  makeEffect(input: In): Effect.Effect<Self, SchemaIssue.Issue>
}

const through = <S extends Schema.Top, Self, In>(
  row: S,
  Class: DomainClass<Self, In>,
  decode: (row: S["Type"]) => In,
  encode: (self: Self) => S["Type"]
) =>
  row.pipe(
    Schema.decodeTo(
      Schema.toType(Class),
      SchemaTransformation.transformEffect<Self, S["Type"]>({
        decode: (input) => Class.makeEffect(decode(input)),
        encode: (self) => Effect.succeed(encode(self))
      })
    )
  )

/**
 * Decodes a row on into a domain class, through the class's own constructor (which checks its
 * fields once more); encoding the domain value gives the row back.
 */
export const intoClass = <Self, In>(Class: DomainClass<Self, In>) => <S extends Schema.Top & { readonly Type: In }>(row: S) =>
  through(row, Class, (input) => input, (self) => self as unknown as S["Type"])

/** intoClass, for a table that lays the value out differently (a nested value in columns of its own). */
export const reshapedInto = <S extends Schema.Top, Self, In>(
  row: S,
  Class: DomainClass<Self, In>,
  reshape: { readonly decode: (row: S["Type"]) => In; readonly encode: (self: Self) => S["Type"] }
) => through(row, Class, reshape.decode, reshape.encode)

/**
 * A query whose statement is built by the caller (filters, cursors, fragments), decoded with a row
 * schema: the statement is the request, so the rows are the only thing the schema has to check.
 */
const Query = Schema.declare((u): u is Effect.Effect<ReadonlyArray<unknown>, SqlError> => Effect.isEffect(u))

/** Every row of a statement, decoded. */
export const allRows = <S extends Schema.Top>(Result: S) =>
  SqlSchema.findAll({ Request: Query, Result, execute: (statement) => statement })

/** The first row of a statement, decoded, if there is one. */
export const firstRow = <S extends Schema.Top>(Result: S) =>
  SqlSchema.findOneOption({ Request: Query, Result, execute: (statement) => statement })
