import { describe, expect, it } from "@effect/vitest"
import { Result, Schema, SchemaIssue } from "effect"
import { Rating, ratingSummary, ReviewText } from "../../domain/marketplace/review.js"

const messages = SchemaIssue.makeFormatterStandardSchemaV1()
const ratingError = (input: unknown) =>
  Result.match(Schema.decodeUnknownResult(Rating)(input), {
    onFailure: (e) => messages(e.issue).issues.map((i) => i.message).join("; "),
    onSuccess: () => "ok"
  })

describe("reviews", () => {
  it("a rating is a whole number from 1 to 5, and anything else says so plainly", () => {
    expect([1, 3, 5].map(ratingError)).toEqual(["ok", "ok", "ok"])
    for (const bad of [0, 6, 4.5, "4", null]) expect(ratingError(bad)).toBe("rating must be a whole number from 1 to 5")
  })

  it("text is trimmed and at most 5,000 characters", () => {
    expect(Schema.decodeUnknownSync(ReviewText)("  fine  ")).toBe("fine")
    expect(Schema.decodeUnknownSync(ReviewText)(` ${"x".repeat(5000)} `)).toHaveLength(5000)
    expect(Result.isFailure(Schema.decodeUnknownResult(ReviewText)("x".repeat(5001)))).toBe(true)
  })

  it("the summary is the exact mean and count, 0 for no ratings", () => {
    expect(ratingSummary([])).toEqual({ ratingAverage: 0, ratingCount: 0 })
    expect(ratingSummary([5, 4, 4])).toEqual({ ratingAverage: 13 / 3, ratingCount: 3 })
  })
})
