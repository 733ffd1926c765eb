import { DateTime, Effect, Schema } from "effect"
import { FIRST_INSTANT_MS, LAST_INSTANT_MS } from "../../domain/shared/calendar-date.js"

/** A request field that may be left out, and the value it then takes. */
export const withDefault = <S extends Schema.Top>(schema: S, value: S["Type"]) =>
  schema.pipe(Schema.withDecodingDefaultTypeKey(Effect.succeed(value)))

/**
 * A time a client sends (ISO 8601), within the years 0001–9999: JavaScript reads times from
 * -271821 to +275760, PostgreSQL holds 4713 BC to 294276 AD, and neither end is a time anyone means.
 */
export const RequestTimestamp = Schema.DateTimeUtcFromString.check(
  Schema.makeFilter((time) => {
    const ms = DateTime.toEpochMillis(time)
    return (ms >= FIRST_INSTANT_MS && ms <= LAST_INSTANT_MS) || "must be a time between the years 0001 and 9999"
  })
)
