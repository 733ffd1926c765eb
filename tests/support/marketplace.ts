import { DateTime, Effect, Option } from "effect"
import { ProductRepository } from "../../application/ports/product-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { ALL_SCOPES, type Actor } from "../../domain/identity/actor.js"
import { Product, ProductId } from "../../domain/marketplace/product.js"
import { makeUser } from "./fixtures.js"

/** A user in whichever store the layer has (the SQL tables have foreign keys to users), as an actor. */
export const someone = Effect.gen(function*() {
  const user = makeUser()
  yield* (yield* UserRepository).insert(user)
  const actor: Actor = { userId: user.id, role: "user", sessionId: Option.none(), apiKeyId: Option.none(), scopes: new Set(ALL_SCOPES) }
  return actor
})

export const asAdmin = (actor: Actor): Actor => ({ ...actor, role: "admin" })

/** An approved product with a file, straight into the store. */
export const approvedProduct = (sellerId: Actor["userId"], overrides: Partial<ConstructorParameters<typeof Product>[0]> = {}) =>
  Effect.gen(function*() {
    const id = ProductId.make(crypto.randomUUID())
    const now = yield* DateTime.now
    const product = new Product({
      id, sellerId, title: "Budget template", slug: `budget-${id}`, description: "", category: "templates", tags: [], price: 1999, currency: "usd",
      licenseActivationLimit: 3, status: "approved", rejectionReason: Option.none(),
      file: Option.some({ key: `products/${id}/f`, name: "budget.xlsx", size: 10, contentType: "text/csv" }),
      ratingAverage: 0, ratingCount: 0, salesCount: 0,
      createdAt: now, updatedAt: now,
      ...overrides
    })
    yield* (yield* ProductRepository).insert(product)
    return product
  })
