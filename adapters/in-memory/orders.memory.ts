import { Context, DateTime, Effect, Layer, Option, Ref } from "effect"
import { LicenseRepository } from "../../application/ports/licenses.js"
import { OrderRepository } from "../../application/ports/orders.js"
import { type LedgerEntry, License, Order } from "../../domain/marketplace/order.js"
import { newestFirstAfter } from "./keyset.js"
import { licenseRepositoryOver } from "./license-repository.memory.js"
import { ProductStatsMemory } from "./product-repository.memory.js"

/**
 * For tests only: orders, licenses, ledger and applied events over Refs; sales counts on the in-memory
 * products. The LicenseRepository comes with it, since it reads the same licenses.
 */
export const OrderRepositoryMemory = Layer.effectContext(
  Effect.gen(function*() {
    const stats = yield* ProductStatsMemory
    const orders = yield* Ref.make(new Map<string, Order>())
    const events = yield* Ref.make(new Set<string>())
    const licenses = yield* Ref.make<ReadonlyArray<License>>([])
    const ledger = yield* Ref.make<ReadonlyArray<LedgerEntry>>([])
    const licenseRepository = yield* licenseRepositoryOver(licenses)
    // Pending or paid: at most one such order per buyer and product (SQL's partial unique index).
    const isOpenOf = (buyerId: string, productId: string) => (o: Order) =>
      o.buyerId === buyerId && o.productId === productId && (o.status === "pending" || o.status === "paid")
    const find = (id: string) => Effect.map(Ref.get(orders), (m) => Option.fromNullishOr(m.get(id)))
    const change = (id: string, f: (o: Order) => Order) => Ref.update(orders, (m) => (m.has(id) ? new Map(m).set(id, f(m.get(id)!)) : m))
    const orderRepository: OrderRepository["Service"] = OrderRepository.of({
      insert: (o) =>
        Ref.modify(orders, (m) =>
          [...m.values()].some(isOpenOf(o.buyerId, o.productId))
            ? [false, m] as const
            : [true, new Map(m).set(o.id, o)] as const),
      findById: find,
      // One fiber at a time touches the Refs: there is no concurrent commit to wait for.
      findForUpdate: find,
      setStatus: (id, status, at) => change(id, (o) => new Order({ ...o, status, updatedAt: at })),
      setCheckout: (id, providerRef, checkoutUrl) => change(id, (o) => new Order({ ...o, providerRef: Option.some(providerRef), checkoutUrl })),
      pendingBefore: (before, limit) =>
        Effect.map(Ref.get(orders), (m) =>
          [...m.values()]
            .filter((o) => o.status === "pending" && DateTime.isLessThan(o.createdAt, before))
            .sort((a, b) => DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt) || a.id.localeCompare(b.id))
            .slice(0, limit)),
      openOrder: (buyerId, productId) =>
        Effect.map(Ref.get(orders), (m) =>
          Option.fromNullishOr([...m.values()].find(isOpenOf(buyerId, productId)))),
      hasPaidOrder: (buyerId, productId) =>
        Effect.map(Ref.get(orders), (m) => [...m.values()].some((o) => o.buyerId === buyerId && o.productId === productId && o.status === "paid")),
      byBuyer: (buyerId, after, limit) => Effect.map(Ref.get(orders), (m) => newestFirstAfter([...m.values()].filter((o) => o.buyerId === buyerId), after, limit)),
      lockForEvent: (orderId, eventId) =>
        Effect.flatMap(find(orderId), (order) =>
          Option.isNone(order)
            ? Effect.succeedNone
            : Ref.modify(events, (s) => s.has(eventId) ? [false, s] as const : [true, new Set(s).add(eventId)] as const).pipe(
              Effect.map((fresh) => Option.some({ order: order.value, fresh }))
            )),
      forgetEvent: (eventId) =>
        Ref.update(events, (s) => {
          const next = new Set(s)
          next.delete(eventId)
          return next
        }),
      issueLicense: (l) => Ref.update(licenses, (all) => [...all, l]),
      revokeLicenses: (orderId) => Ref.update(licenses, (all) => all.map((l) => (l.orderId === orderId ? new License({ ...l, status: "revoked" }) : l))),
      licensesOf: (buyerId) => Effect.map(Ref.get(licenses), (all) => all.filter((l) => l.buyerId === buyerId)),
      addLedgerEntry: (e) => Ref.update(ledger, (all) => [...all, e]),
      ledgerOf: (sellerId) => Effect.map(Ref.get(ledger), (all) => all.filter((e) => e.sellerId === sellerId)),
      countSale: (productId, delta) => stats.addSales(productId, delta),
      writeEffects: (effects) =>
        Effect.gen(function*() {
          if (Option.isSome(effects.status)) {
            const { at, status } = effects.status.value
            yield* orderRepository.setStatus(effects.orderId, status, at)
          }
          if (effects.revokeLicenses) yield* orderRepository.revokeLicenses(effects.orderId)
          if (Option.isSome(effects.license)) yield* orderRepository.issueLicense(effects.license.value)
          for (const entry of effects.ledgerEntries) yield* orderRepository.addLedgerEntry(entry)
          if (effects.salesDelta !== 0) yield* orderRepository.countSale(effects.productId, effects.salesDelta)
        })
    })
    return Context.make(OrderRepository, orderRepository).pipe(Context.add(LicenseRepository, licenseRepository))
  })
)
