import { Effect, Schema } from "effect"

/** A request field that may be left out, and the value it then takes. */
export const withDefault = <S extends Schema.Top>(schema: S, value: S["Type"]) =>
  schema.pipe(Schema.withDecodingDefaultTypeKey(Effect.succeed(value)))
