import { describe, expect, it } from "@effect/vitest"
import { DateTime, Option, Result } from "effect"
import { UserId } from "../../domain/identity/user.js"
import { Activation, ActivationId, decideActivation } from "../../domain/marketplace/license.js"
import { License, LicenseId, OrderId } from "../../domain/marketplace/order.js"
import { ProductId } from "../../domain/marketplace/product.js"

const T = DateTime.makeUnsafe("2026-01-01T00:00:00Z")
const license = (status: License["status"], activationLimit = 2) =>
  new License({
    id: LicenseId.make(crypto.randomUUID()), orderId: OrderId.make(crypto.randomUUID()), productId: ProductId.make(crypto.randomUUID()),
    buyerId: UserId.make(crypto.randomUUID()), key: "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", activationLimit, status, createdAt: T
  })
const activation = (l: License, instanceName: string) =>
  new Activation({ id: ActivationId.make(crypto.randomUUID()), licenseId: l.id, instanceName, createdAt: T, deactivatedAt: Option.none() })
const reason = (e: Result.Result<unknown, { reason: string }>) => Result.match(e, { onFailure: (x) => x.reason, onSuccess: () => "allowed" })

describe("license activation rule", () => {
  it("a free slot allows a new instance; the same instance again answers its activation, even when full", () => {
    const l = license("active")
    const laptop = activation(l, "laptop")
    expect(decideActivation(l, [], "laptop")).toEqual(Result.succeed(Option.none()))
    expect(decideActivation(l, [laptop, activation(l, "desktop")], "laptop")).toEqual(Result.succeed(Option.some(laptop)))
  })
  it("a full license and a revoked one are refused, with the reason people read", () => {
    const l = license("active")
    expect(reason(decideActivation(l, [activation(l, "a"), activation(l, "b")], "c"))).toBe("activation limit reached (2 of 2)")
    const revoked = license("revoked")
    expect(reason(decideActivation(revoked, [activation(revoked, "a")], "a"))).toBe("the license was revoked (the order was refunded)")
  })
})
