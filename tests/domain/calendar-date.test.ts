import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import fc from "fast-check"
import { CalendarDate, calendarDateProblem } from "../../domain/shared/calendar-date.js"

const accepts = (text: string) => Schema.is(CalendarDate)(text)

describe("calendar dates", () => {
  it("the issue's impossible dates are refused, with why", () => {
    expect(calendarDateProblem("2030-02-30")).toBe("2030-02-30 is not a date: 2030-02 has 28 days")
    expect(calendarDateProblem("0000-01-01")).toBe("the year must be between 0001 and 9999")
    expect(accepts("2030-02-30")).toBe(false)
    expect(accepts("0000-01-01")).toBe(false)
  })

  it("leap years follow the Gregorian rule; months have their own lengths; the format is exact", () => {
    for (const ok of ["2028-02-29", "2000-02-29", "2400-02-29", "0001-01-01", "9999-12-31", "2026-04-30", "2026-12-31"]) {
      expect(accepts(ok), ok).toBe(true)
    }
    for (const bad of ["2027-02-29", "1900-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-01", "2026-01-00",
      "2026-1-01", "10000-01-01", "-0001-01-01", "2026-01-01T00:00:00Z", " 2026-01-01", "２０２６-01-01", ""]) {
      expect(accepts(bad), bad).toBe(false)
    }
  })

  it("accepts exactly the days the proleptic Gregorian calendar has, years 0001 to 9999", () => {
    const pad = (n: number, width: number) => String(n).padStart(width, "0")
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
      const text = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`
      const date = new Date(0)
      date.setUTCFullYear(y, m - 1, d)
      const real = y >= 1 && y <= 9999 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
      expect(accepts(text), text).toBe(real)
    }), { numRuns: 2000 })
  })
})
