import { Schema } from "effect"

/**
 * The first and last instants of the years 0001–9999 (0001-01-01T00:00:00Z, 9999-12-31T23:59:59.999Z)
 * in epoch milliseconds, and their days since 1970-01-01: the range of every date and time BrainOps
 * takes from a client, which JavaScript and PostgreSQL both hold.
 */
export const FIRST_INSTANT_MS = -62_135_596_800_000
export const LAST_INSTANT_MS = 253_402_300_799_999
export const FIRST_DAY = Math.floor(FIRST_INSTANT_MS / 86_400_000)
export const LAST_DAY = Math.floor(LAST_INSTANT_MS / 86_400_000)

const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/**
 * Why `text` is not a calendar date, or undefined when it is one. A calendar date is a day of the
 * proleptic Gregorian calendar written `YYYY-MM-DD`, years 0001 to 9999: what PostgreSQL's `date`
 * and JavaScript's `Date` both hold without surprises. `Date.parse` alone is not a check: it reads
 * `2030-02-30` as 2 March and accepts year 0000, which PostgreSQL refuses.
 */
export const calendarDateProblem = (text: string): string | undefined => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (match === null) return "must be a date written YYYY-MM-DD, such as 2026-12-31"
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (year < 1) return "the year must be between 0001 and 9999"
  if (month < 1 || month > 12) return `${text} is not a date: the month must be between 01 and 12`
  const days = daysIn(year, month)
  if (day < 1 || day > days) return `${text} is not a date: ${match[1]}-${match[2]} has ${days} days`
  return undefined
}

/** A calendar date (`YYYY-MM-DD`, years 0001–9999): every date a client sends is decoded with this one schema. */
export const CalendarDate = Schema.String.pipe(
  Schema.annotate({ description: "A calendar date, YYYY-MM-DD (years 0001 to 9999)", examples: ["2026-12-31"] }),
  Schema.check(Schema.makeFilter((text) => calendarDateProblem(text) ?? true)),
  Schema.brand("CalendarDate")
)
export type CalendarDate = typeof CalendarDate.Type
