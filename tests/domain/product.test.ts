import { describe, expect, it } from "@effect/vitest"
import { DateTime, Option, Result } from "effect"
import { Product, ProductId, ProductWorkflow, slugify } from "../../domain/marketplace/product.js"
import { UserId } from "../../domain/identity/user.js"

const now = DateTime.makeUnsafe("2026-01-01T00:00:00Z")
const draft = new Product({
  id: ProductId.make("00000000-0000-7000-8000-000000000001"),
  sellerId: UserId.make("00000000-0000-7000-8000-000000000002"),
  title: "Budget template",
  slug: "budget-template",
  description: "A spreadsheet",
  category: "templates",
  tags: [],
  price: 1500,
  currency: "usd",
  licenseActivationLimit: 3,
  status: "draft",
  rejectionReason: Option.none(),
  file: Option.none(),
  ratingAverage: 0,
  ratingCount: 0,
  salesCount: 0,
  createdAt: now,
  updatedAt: now
})
const withFile = new Product({ ...draft, file: Option.some({ key: "products/1/v1.zip", name: "budget.zip", size: 10, contentType: "application/zip" }) })
const status = (e: Result.Result<Product, unknown>) => Result.match(e, { onFailure: (x) => `refused:${(x as { action: string }).action}`, onSuccess: (p) => p.status })

describe("product approval workflow", () => {
  it("draft → pending_review (only with a file) → approved → archived", () => {
    expect(status(ProductWorkflow.submit(draft))).toBe("refused:submit")
    const pending = Result.getOrThrow(ProductWorkflow.submit(withFile))
    expect(pending.status).toBe("pending_review")
    const approved = Result.getOrThrow(ProductWorkflow.approve(pending))
    expect(approved.status).toBe("approved")
    expect(status(ProductWorkflow.approve(approved))).toBe("refused:approve")
    expect(status(ProductWorkflow.archive(approved))).toBe("archived")
  })

  it("a rejection keeps its reason; the next edit goes back to draft; approval clears the reason", () => {
    const rejected = Result.getOrThrow(ProductWorkflow.reject(Result.getOrThrow(ProductWorkflow.submit(withFile)), "the file is empty"))
    expect([rejected.status, rejected.rejectionReason]).toEqual(["rejected", Option.some("the file is empty")])
    const edited = Result.getOrThrow(ProductWorkflow.edit(rejected, new Product({ ...rejected, description: "Now with data" })))
    expect(edited.status).toBe("draft")
    const again = Result.getOrThrow(ProductWorkflow.approve(Result.getOrThrow(ProductWorkflow.submit(edited))))
    expect([again.status, again.rejectionReason]).toEqual(["approved", Option.none()])
  })

  it("editing an approved product's price or file sends it back to review; other edits do not", () => {
    const approved = Result.getOrThrow(ProductWorkflow.approve(Result.getOrThrow(ProductWorkflow.submit(withFile))))
    expect(status(ProductWorkflow.edit(approved, new Product({ ...approved, description: "typo fixed" })))).toBe("approved")
    expect(status(ProductWorkflow.edit(approved, new Product({ ...approved, price: 2000 })))).toBe("pending_review")
    expect(status(ProductWorkflow.edit(approved, new Product({ ...approved, file: Option.some({ key: "products/1/v2.zip", name: "b.zip", size: 11, contentType: "application/zip" }) })))).toBe("pending_review")
    expect(status(ProductWorkflow.edit(Result.getOrThrow(ProductWorkflow.archive(approved)), approved))).toBe("refused:edit")
    expect(status(ProductWorkflow.edit(Result.getOrThrow(ProductWorkflow.submit(withFile)), withFile))).toBe("refused:edit")
  })

  it("slugs are URL-safe", () => {
    expect(slugify("Crème Brûlée: the Ultimate Guide!")).toBe("creme-brulee-the-ultimate-guide")
    expect(slugify("!!!")).toBe("product")
  })
})
