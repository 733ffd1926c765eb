import { ownerOnly, Share } from "../../domain/memory/sharing.js"
import { MemoryShareRepository } from "../../application/ports/memory-share-repository.js"
import { MemoryAnalyticsReader, QueryLog } from "../../application/ports/memory-analytics.js"
import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { CollectionRepository, everything, type MemoryFilter, MemoryRepository } from "../../application/ports/memory-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import type { UserId } from "../../domain/identity/user.js"
import { Collection, CollectionId, Memory, MemoryId } from "../../domain/memory/memory.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { at, makeUser, T0 } from "../support/fixtures.js"

const owner = Effect.gen(function*() {
  const user = makeUser()
  yield* (yield* UserRepository).insert(user)
  return user
})

const memory = (ownerId: UserId, minutes: number, overrides: Partial<ConstructorParameters<typeof Memory>[0]> = {}) =>
  new Memory({
    id: MemoryId.make(uuidV7(DateTime.toEpochMillis(at(`${minutes} minutes`)))),
    ownerId,
    collectionId: Option.none(),
    title: Option.some(`Memory ${minutes}`),
    content: `Content number ${minutes}`,
    tags: [],
    metadata: {},
    memoryType: "note",
    pinned: false,
    createdAt: at(`${minutes} minutes`),
    updatedAt: at(`${minutes} minutes`),
    ...overrides
  })

const collection = (ownerId: UserId, minutes: number, name = "Reading") =>
  new Collection({
    id: CollectionId.make(uuidV7(DateTime.toEpochMillis(at(`${minutes} minutes`)))),
    ownerId,
    name,
    description: "",
    createdAt: at(`${minutes} minutes`),
    updatedAt: at(`${minutes} minutes`)
  })

const allOf = (ownerId: UserId): MemoryFilter => everything(ownerOnly(ownerId))

/** What every MemoryRepository and CollectionRepository adapter must do. */
export const memoriesContract = (
  it: Vitest.MethodsNonLive<MemoryRepository | CollectionRepository | UserRepository>
) =>
  describe("Memory and Collection repositories contract", () => {
    it.effect("store a memory field for field (tags, JSON metadata, collection), update and delete it", () =>
      Effect.gen(function*() {
        const memories = yield* MemoryRepository
        const user = yield* owner
        const c = collection(user.id, 1)
        yield* (yield* CollectionRepository).insert(c)
        const m = memory(user.id, 2, {
          collectionId: Option.some(c.id),
          tags: ["a \"quoted\" tag", "b,c"],
          metadata: { source: "chat", nested: { n: 1, list: [true, null] } },
          pinned: true,
          title: Option.none()
        })
        yield* memories.insert(m)
        expect(yield* memories.findById(m.id)).toEqual(Option.some(m))
        const other = memory(user.id, 3, { content: "another" })
        yield* memories.insert(other)
        expect(yield* memories.findByIds([other.id, m.id, MemoryId.make("00000000-0000-7000-8000-000000000000"), other.id])).toEqual([other, m])
        expect(yield* memories.findByIds([])).toEqual([])
        yield* memories.delete(other.id)
        const edited = new Memory({ ...m, content: "changed", tags: ["x"], updatedAt: at("3 minutes") })
        yield* memories.update(edited)
        expect(yield* memories.findById(m.id)).toEqual(Option.some(edited))
        expect(yield* memories.delete(m.id)).toBe(true)
        expect(yield* memories.delete(m.id)).toBe(false)
        expect(yield* memories.findById(m.id)).toEqual(Option.none())
      }))

    it.effect("list only the owner's memories, newest first, by every filter, in pages", () =>
      Effect.gen(function*() {
        const memories = yield* MemoryRepository
        const [user, other] = [yield* owner, yield* owner]
        const c = collection(user.id, 10)
        yield* (yield* CollectionRepository).insert(c)
        const ms = [
          memory(user.id, 11, { tags: ["work"], memoryType: "fact" }),
          memory(user.id, 12, { collectionId: Option.some(c.id), pinned: true }),
          memory(user.id, 13, { content: "The Invoice from ACME", tags: ["work", "money"] }),
          memory(other.id, 14, { tags: ["work"] })
        ]
        yield* Effect.forEach(ms, memories.insert)
        const ids = (filter: Partial<MemoryFilter>) =>
          Effect.map(memories.list({ ...allOf(user.id), ...filter }, Option.none(), 50), (rows) => rows.map((m) => m.id))
        expect(yield* ids({})).toEqual([ms[2]!.id, ms[1]!.id, ms[0]!.id])
        expect(yield* ids({ tags: ["work"] })).toEqual([ms[2]!.id, ms[0]!.id])
        expect(yield* ids({ tags: ["work", "money"] })).toEqual([ms[2]!.id])
        expect(yield* ids({ collectionId: Option.some(c.id) })).toEqual([ms[1]!.id])
        expect(yield* ids({ memoryType: Option.some("fact") })).toEqual([ms[0]!.id])
        expect(yield* ids({ pinned: Option.some(true) })).toEqual([ms[1]!.id])
        expect(yield* ids({ q: Option.some("invoice") })).toEqual([ms[2]!.id])
        expect(yield* ids({ q: Option.some("%") })).toEqual([])
        expect(yield* ids({ createdFrom: Option.some(at("12 minutes")), createdTo: Option.some(at("13 minutes")) })).toEqual([ms[1]!.id])
        const first = yield* memories.list(allOf(user.id), Option.none(), 2)
        expect(first).toHaveLength(3)
        const last = first[1]!
        const rest = yield* memories.list(allOf(user.id), Option.some({ at: DateTime.toEpochMillis(last.createdAt), id: last.id }), 2)
        expect(rest.map((m) => m.id)).toEqual([ms[0]!.id])
      }))

    it.effect("collections: store, rename, list per owner; deleting keeps or deletes the memories as asked", () =>
      Effect.gen(function*() {
        const collections = yield* CollectionRepository
        const memories = yield* MemoryRepository
        const user = yield* owner
        const [keep, drop] = [collection(user.id, 20, "Keep"), collection(user.id, 21, "Drop")]
        yield* Effect.forEach([keep, drop], collections.insert)
        expect(yield* collections.findById(keep.id)).toEqual(Option.some(keep))
        const renamed = new Collection({ ...keep, name: "Kept", description: "d", updatedAt: at("22 minutes") })
        yield* collections.update(renamed)
        expect((yield* collections.list(user.id, Option.none(), 10)).map((c) => c.name)).toEqual(["Drop", "Kept"])
        const inKeep = memory(user.id, 23, { collectionId: Option.some(keep.id) })
        const inDrop = memory(user.id, 24, { collectionId: Option.some(drop.id) })
        yield* Effect.forEach([inKeep, inDrop], memories.insert)
        yield* collections.delete(keep.id, false)
        yield* collections.delete(drop.id, true)
        expect(Option.map(yield* memories.findById(inKeep.id), (m) => m.collectionId)).toEqual(Option.some(Option.none()))
        expect(yield* memories.findById(inDrop.id)).toEqual(Option.none())
        expect(yield* collections.list(user.id, Option.none(), 10)).toEqual([])
      }))

    it.effect("keyword search: every word first, then at least half; -words excluded; best first; the caller's own only; at most k", () =>
      Effect.gen(function*() {
        const memories = yield* MemoryRepository
        const [user, other] = [yield* owner, yield* owner]
        const ms = [
          memory(user.id, 30, { title: Option.some("Quarterly report"), content: "The quarterly report covers revenue and the quarterly budget." }),
          memory(user.id, 31, { content: "A short report about the garden." }),
          memory(user.id, 32, { content: "Revenue report for the board, with the quarterly numbers." }),
          memory(other.id, 33, { content: "Another user's quarterly report." })
        ]
        yield* Effect.forEach(ms, memories.insert)
        const ids = (query: string, k = 10) =>
          Effect.map(memories.keywordSearch(allOf(user.id), query, k), (rows) => rows.map((r) => r.memory.id))
        const quarterly = yield* ids("quarterly report")
        expect(quarterly).toEqual([ms[0]!.id, ms[2]!.id, ms[1]!.id])
        expect(yield* ids("garden budget")).toHaveLength(2)
        expect(yield* ids("report -quarterly")).toEqual([ms[1]!.id])
        expect(yield* ids("garden")).toEqual([ms[1]!.id])
        expect(yield* ids("nothing matches this")).toEqual([])
        // One word of four is not enough to count as a match.
        expect(yield* ids("garden quantum physics lecture")).toEqual([])
        expect(yield* ids("report", 1)).toHaveLength(1)
        // Long questions too: at least half of eight words (four), of nine (five).
        expect(yield* ids("was the quarterly revenue report for the board numbers in the garden shed plan")).toEqual([ms[2]!.id])
        expect(yield* ids("revenue report board numbers quarterly zebra quantum physics violin")).toEqual([ms[2]!.id])
        expect(yield* ids("revenue report board numbers zebra quantum physics lecture violin")).toEqual([])
        const scored = yield* memories.keywordSearch(allOf(user.id), "quarterly report", 10)
        expect(scored[0]!.score).toBeGreaterThan(scored[1]!.score)
      }))
  })

/** What every MemoryShareRepository adapter must do, and how the memory filters read an audience. */
export const memorySharesContract = (
  it: Vitest.MethodsNonLive<MemoryShareRepository | MemoryRepository | CollectionRepository | UserRepository>
) =>
  describe("MemoryShareRepository contract", () => {
    const share = (kind: "memory" | "collection", targetId: string, userId: UserId, minutes: number, permission: "read" | "write" = "read") =>
      new Share({ kind, targetId, userId, permission, createdAt: at(`${minutes} minutes`) })

    it.effect("grants, changes a permission keeping the date, lists, and revokes", () =>
      Effect.gen(function*() {
        const shares = yield* MemoryShareRepository
        const ann = yield* owner
        const bob = yield* owner
        const carol = yield* owner
        const m = memory(ann.id, 1)
        const c = collection(ann.id, 2)
        yield* (yield* MemoryRepository).insert(m)
        yield* (yield* CollectionRepository).insert(c)
        yield* shares.grant(share("memory", m.id, bob.id, 3))
        const changed = yield* shares.grant(share("memory", m.id, bob.id, 9, "write"))
        expect([changed.permission, changed.createdAt]).toEqual(["write", at("3 minutes")])
        yield* shares.grant(share("memory", m.id, carol.id, 4))
        yield* shares.grant(share("collection", c.id, bob.id, 5))
        expect((yield* shares.listFor("memory", m.id)).map((s) => [s.userId, s.permission])).toEqual([[bob.id, "write"], [carol.id, "read"]])
        const grants = yield* shares.grantsOf(bob.id)
        expect([...grants.memories]).toEqual([[m.id, "write"]])
        expect([...grants.collections]).toEqual([[c.id, "read"]])
        expect(yield* shares.revoke("memory", m.id, bob.id)).toBe(true)
        expect(yield* shares.revoke("memory", m.id, bob.id)).toBe(false)
        expect(yield* shares.revoke("collection", m.id, carol.id)).toBe(false)
        expect((yield* shares.grantsOf(bob.id)).memories.size).toBe(0)
      }))

    it.effect("lists what was shared with a user, newest first, across kinds, in pages", () =>
      Effect.gen(function*() {
        const shares = yield* MemoryShareRepository
        const ann = yield* owner
        const bob = yield* owner
        const m1 = memory(ann.id, 1)
        const m2 = memory(ann.id, 2)
        const c = collection(ann.id, 3)
        yield* (yield* MemoryRepository).insert(m1)
        yield* (yield* MemoryRepository).insert(m2)
        yield* (yield* CollectionRepository).insert(c)
        yield* shares.grant(share("memory", m1.id, bob.id, 10))
        yield* shares.grant(share("collection", c.id, bob.id, 11))
        yield* shares.grant(share("memory", m2.id, bob.id, 12))
        const first = yield* shares.sharedWith(bob.id, Option.none(), 2)
        expect(first.map((s) => s.targetId)).toEqual([m2.id, c.id, m1.id])
        const rest = yield* shares.sharedWith(bob.id, Option.some({ at: DateTime.toEpochMillis(first[1]!.createdAt), id: first[1]!.targetId }), 2)
        expect(rest.map((s) => s.targetId)).toEqual([m1.id])
        expect(yield* shares.sharedWith(ann.id, Option.none(), 10)).toEqual([])
      }))

    it.effect("a share goes with the memory or collection it names", () =>
      Effect.gen(function*() {
        const shares = yield* MemoryShareRepository
        const ann = yield* owner
        const bob = yield* owner
        const c = collection(ann.id, 1)
        const m = memory(ann.id, 2, { collectionId: Option.some(c.id) })
        yield* (yield* CollectionRepository).insert(c)
        yield* (yield* MemoryRepository).insert(m)
        yield* shares.grant(share("memory", m.id, bob.id, 3))
        yield* shares.grant(share("collection", c.id, bob.id, 4))
        yield* (yield* MemoryRepository).delete(m.id)
        expect((yield* shares.grantsOf(bob.id)).memories.size).toBe(0)
        yield* (yield* CollectionRepository).delete(c.id, false)
        expect((yield* shares.grantsOf(bob.id)).collections.size).toBe(0)
        expect(yield* shares.sharedWith(bob.id, Option.none(), 10)).toEqual([])
      }))

    it.effect("memory lists and keyword search cover exactly the audience: owned, shared one by one, and in shared collections", () =>
      Effect.gen(function*() {
        const memories = yield* MemoryRepository
        const ann = yield* owner
        const bob = yield* owner
        const c = collection(ann.id, 1)
        yield* (yield* CollectionRepository).insert(c)
        const own = memory(bob.id, 2, { content: "tomato soup" })
        const single = memory(ann.id, 3, { content: "tomato salad" })
        const inShared = memory(ann.id, 4, { content: "tomato sauce", collectionId: Option.some(c.id) })
        const hidden = memory(ann.id, 5, { content: "tomato jam" })
        yield* Effect.forEach([own, single, inShared, hidden], (x) => memories.insert(x))
        const audience = { userId: bob.id, memoryIds: [single.id], collectionIds: [c.id] }
        const listed = yield* memories.list({ ...allOf(bob.id), audience }, Option.none(), 10)
        expect(listed.map((x) => x.id).sort()).toEqual([own.id, single.id, inShared.id].sort())
        const found = yield* memories.keywordSearch({ ...allOf(bob.id), audience }, "tomato", 10)
        expect(found.map((r) => r.memory.id).sort()).toEqual([own.id, single.id, inShared.id].sort())
        expect((yield* memories.list(allOf(bob.id), Option.none(), 10)).map((x) => x.id)).toEqual([own.id])
      }))
  })

/** What every QueryLog + MemoryAnalyticsReader adapter must compute, to the row. */
export const memoryAnalyticsContract = (
  it: Vitest.MethodsNonLive<MemoryAnalyticsReader | QueryLog | MemoryShareRepository | MemoryRepository | CollectionRepository | UserRepository>
) =>
  describe("QueryLog and MemoryAnalyticsReader contract", () => {
    it.effect("count the user's own memories, shares and queries; series only from `since`", () =>
      Effect.gen(function*() {
        const memories = yield* MemoryRepository
        const log = yield* QueryLog
        const ann = yield* owner
        const bob = yield* owner
        const work = collection(ann.id, 1, "Work")
        const home = collection(ann.id, 2, "Home")
        yield* (yield* CollectionRepository).insert(work)
        yield* (yield* CollectionRepository).insert(home)
        const day = 24 * 60
        // Minutes from T0 (2026-01-01): days 0, 0, 1, 2, and one of Bob's.
        const m1 = memory(ann.id, 10, { collectionId: Option.some(work.id), tags: ["a", "b"], pinned: true })
        const m2 = memory(ann.id, 20, { collectionId: Option.some(work.id), tags: ["a"], memoryType: "fact" })
        const m3 = memory(ann.id, day + 5, { tags: ["c"] })
        const m4 = memory(ann.id, 2 * day + 5)
        yield* Effect.forEach([m1, m2, m3, m4, memory(bob.id, 30, { tags: ["a"] })], (m) => memories.insert(m))
        const shares = yield* MemoryShareRepository
        yield* shares.grant(new Share({ kind: "memory", targetId: m1.id, userId: bob.id, permission: "read", createdAt: at("1 hour") }))
        yield* shares.grant(new Share({ kind: "collection", targetId: home.id, userId: bob.id, permission: "write", createdAt: at("1 hour") }))
        const asked = (minutes: number, kind: "search" | "rag", query: string, userId: UserId = ann.id) =>
          log.record({ id: uuidV7(DateTime.toEpochMillis(at(`${minutes} minutes`))), userId, kind, query, mode: "hybrid", resultCount: 1, createdAt: at(`${minutes} minutes`) })
        yield* asked(15, "search", "old query")
        yield* asked(day + 1, "search", "Tomato  Soup")
        yield* asked(day + 2, "search", "tomato soup")
        yield* asked(day + 3, "rag", "when is the dentist?")
        // Several at once, as a buffered log hands them over: one of them Bob's.
        yield* log.recordMany([
          { id: uuidV7(DateTime.toEpochMillis(at(`${2 * day + 1} minutes`))), userId: ann.id, kind: "search", query: "budget", mode: "hybrid", resultCount: 1, createdAt: at(`${2 * day + 1} minutes`) },
          { id: uuidV7(DateTime.toEpochMillis(at(`${day + 4} minutes`))), userId: bob.id, kind: "search", query: "tomato soup", mode: "hybrid", resultCount: 1, createdAt: at(`${day + 4} minutes`) }
        ])
        yield* log.recordMany([])

        const since = at("1 day")
        const a = yield* (yield* MemoryAnalyticsReader).forUser(ann.id, since)
        expect(a.totals).toEqual({ memories: 4, collections: 2, pinned: 1, sharedByMe: 2, sharedWithMe: 0, searches: 3, ragQueries: 1 })
        expect(a.byCollection).toEqual([
          { collectionId: work.id, name: "Work", count: 2 },
          { collectionId: null, name: null, count: 2 },
          { collectionId: home.id, name: "Home", count: 0 }
        ])
        expect(a.byTag).toEqual([{ tag: "a", count: 2 }, { tag: "b", count: 1 }, { tag: "c", count: 1 }])
        expect(a.byType).toEqual([{ memoryType: "note", count: 3 }, { memoryType: "fact", count: 1 }])
        expect(a.createdPerDay).toEqual([{ date: "2026-01-02", count: 1 }, { date: "2026-01-03", count: 1 }])
        expect(a.queriesPerDay).toEqual([{ date: "2026-01-02", searches: 2, ragQueries: 1 }, { date: "2026-01-03", searches: 1, ragQueries: 0 }])
        expect(a.topQueries).toEqual([
          { query: "tomato soup", count: 2, lastAt: at(`${day + 2} minutes`) },
          { query: "budget", count: 1, lastAt: at(`${2 * day + 1} minutes`) },
          { query: "when is the dentist?", count: 1, lastAt: at(`${day + 3} minutes`) }
        ])
        const b = yield* (yield* MemoryAnalyticsReader).forUser(bob.id, since)
        expect(b.totals).toMatchObject({ memories: 1, sharedWithMe: 2, sharedByMe: 0, searches: 1 })
        expect(b.topQueries.map((q) => q.query)).toEqual(["tomato soup"])

        expect(yield* log.prune(at("1 day"))).toBe(1)
        expect((yield* (yield* MemoryAnalyticsReader).forUser(ann.id, T0)).totals.searches).toBe(3)
      }))
  })
