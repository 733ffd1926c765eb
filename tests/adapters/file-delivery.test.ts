import { describe, expect, it } from "@effect/vitest"
import { attachmentDisposition } from "../../adapters/files/delivery.js"

describe("file delivery headers", () => {
  it("Content-Disposition: attachment, a quoted ASCII fallback and the exact name RFC 5987-encoded", () => {
    expect(attachmentDisposition("evil.html")).toBe("attachment; filename=\"evil.html\"; filename*=UTF-8''evil.html")
    expect(attachmentDisposition("résumé \"final\"; x=1.pdf")).toBe(
      "attachment; filename=\"r_sum___final___x_1.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%3B%20x%3D1.pdf"
    )
    // attr-char (RFC 5987) leaves out ' ( ) *, which encodeURIComponent would keep.
    expect(attachmentDisposition("it's (1)*.txt")).toBe("attachment; filename=\"it_s__1__.txt\"; filename*=UTF-8''it%27s%20%281%29%2A.txt")
    expect(attachmentDisposition("a\r\nSet-Cookie: x=1")).not.toMatch(/[\r\n]/)
    expect(attachmentDisposition("")).toBe("attachment; filename=\"download\"; filename*=UTF-8''download")
  })
})
