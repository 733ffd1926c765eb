import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { urlProblem } from "../../application/shared/text-policy.js"

describe("text policy: request URLs", () => {
  it("refuses NUL and unpaired surrogates however they are written, and invalid percent-encoding", () => {
    expect(urlProblem("/api/v1/projects/a%00b")?.path).toBe("path")
    expect(urlProblem("/api/v1/projects/%ED%A0%80")?.message).toContain("percent-encoded")
    expect(urlProblem("/api/v1/projects?q=a%00")?.path).toBe("q")
    expect(urlProblem("/api/v1/projects?a%00=1")?.path).toBe("query")
    expect(urlProblem("/x/\u0000")?.path).toBe("path")
    expect(urlProblem("/api/v1/projects?limit=50&cursor=abc+def")).toBeUndefined()
    expect(urlProblem("/health")).toBeUndefined()
  })

  // The fast path (a URL without `%`, NUL or surrogate is not decoded at all) must agree with decoding.
  // The verdict (refused or not, and why) is compared, not the field it names: URLSearchParams decodes a
  // name holding a stray `%` differently once another escape sits beside it ("?éa%=" vs "?é%61%=").
  it("answers the same for a URL with and without its percent-escapes of harmless characters", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "/", "?", "&", "=", "+", "-", ".", "~", "é", "\u0000", "\uD800", "%"), { maxLength: 24 }), (parts) => {
        const raw = parts.join("")
        const escaped = parts.map((c) => (c === "a" ? "%61" : c)).join("")
        expect(urlProblem(raw)?.message).toEqual(urlProblem(escaped)?.message)
      }),
      { numRuns: 300 }
    )
  })
})
