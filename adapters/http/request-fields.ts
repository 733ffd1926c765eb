import { DateTime, Effect, Schema } from "effect"

/** A request field that may be left out, and the value it then takes. */
export const withDefault = <S extends Schema.Top>(schema: S, value: S["Type"]) =>
  schema.pipe(Schema.withDecodingDefaultTypeKey(Effect.succeed(value)))

// The instants of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
const [FIRST_MS, LAST_MS] = [-62_135_596_800_000, 253_402_300_799_999]

/**
 * A time a client sends (ISO 8601), within the years 0001–9999: JavaScript reads times from
 * -271821 to +275760, PostgreSQL holds 4713 BC to 294276 AD, and neither end is a time anyone means.
 */
export const RequestTimestamp = Schema.DateTimeUtcFromString.check(
  Schema.makeFilter((time) => {
    const ms = DateTime.toEpochMillis(time)
    return (ms >= FIRST_MS && ms <= LAST_MS) || "must be a time between the years 0001 and 9999"
  })
)
