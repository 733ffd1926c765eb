import { ownerOnly } from "../../domain/memory/sharing.js"
import { describe, expect, type Vitest } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { MemoryRepository } from "../../application/ports/memory-repository.js"
import { UserRepository } from "../../application/ports/user-repository.js"
import { type VectorEntry, VectorIndex } from "../../application/ports/vector-index.js"
import type { UserId } from "../../domain/identity/user.js"
import { CollectionId, Memory, MemoryId } from "../../domain/memory/memory.js"
import { normalize } from "../../domain/memory/vectors.js"
import { uuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { at, makeUser } from "../support/fixtures.js"

export const VECTOR_DIMS = 8

/** A unit vector leaning towards axis `axis` by `lean` (1 = exactly on it). */
const towards = (axis: number, lean: number, seed = 0): ReadonlyArray<number> =>
  normalize(Array.from({ length: VECTOR_DIMS }, (_, i) => (i === axis ? lean : (1 - lean) * (((i + seed) % 3) + 1) / 3)))

const setup = Effect.gen(function*() {
  const user = makeUser()
  yield* (yield* UserRepository).insert(user)
  return user
})

let clock = 0
const memoryOf = (ownerId: UserId, overrides: Partial<ConstructorParameters<typeof Memory>[0]> = {}) =>
  Effect.gen(function*() {
    const created = DateTime.add(at("5000 days"), { seconds: clock++ })
    const m = new Memory({
      id: MemoryId.make(uuidV7(DateTime.toEpochMillis(created))),
      ownerId,
      collectionId: Option.none(),
      title: Option.none(),
      content: "text",
      tags: [],
      metadata: {},
      memoryType: "note",
      pinned: false,
      createdAt: created,
      updatedAt: created,
      ...overrides
    })
    yield* (yield* MemoryRepository).insert(m)
    return m
  })

const entry = (m: Memory, chunkIndex: number, vector: ReadonlyArray<number>): VectorEntry => ({
  memoryId: m.id,
  chunkIndex,
  ownerId: m.ownerId,
  collectionId: m.collectionId,
  tags: m.tags,
  memoryType: m.memoryType,
  text: `chunk ${chunkIndex} of ${m.id}`,
  vector
})

/** What every VectorIndex adapter must do, for vectors of VECTOR_DIMS dimensions. */
export const vectorIndexContract = (it: Vitest.MethodsNonLive<VectorIndex | MemoryRepository | UserRepository>) =>
  describe("VectorIndex contract", () => {
    it.effect("finds the nearest memories, each once with its best chunk, best first", () =>
      Effect.gen(function*() {
        const index = yield* VectorIndex
        const user = yield* setup
        const [a, b, c] = [yield* memoryOf(user.id), yield* memoryOf(user.id), yield* memoryOf(user.id)]
        yield* index.upsert([entry(a, 0, towards(0, 0.9)), entry(a, 1, towards(0, 0.99)), entry(b, 0, towards(0, 0.5)), entry(c, 0, towards(5, 0.99))])
        const hits = yield* index.search(towards(0, 1), { audience: ownerOnly(user.id), collectionId: Option.none(), tags: [], memoryType: Option.none() }, 2)
        expect(hits.map((h) => [h.memoryId, h.chunkIndex])).toEqual([[a.id, 1], [b.id, 0]])
        expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score)
        expect(hits[0]!.score).toBeLessThanOrEqual(1.000001)
        expect(hits[0]!.text).toBe(`chunk 1 of ${a.id}`)
      }))

    it.effect("answers the top k the caller may read even when closer vectors belong to someone else", () =>
      Effect.gen(function*() {
        const index = yield* VectorIndex
        const [me, other] = [yield* setup, yield* setup]
        const theirs = []
        for (let i = 0; i < 60; i++) theirs.push(entry(yield* memoryOf(other.id), 0, towards(2, 0.999, i)))
        const mine = []
        for (let i = 0; i < 5; i++) mine.push(entry(yield* memoryOf(me.id), 0, towards(2, 0.3, i)))
        yield* index.upsert([...theirs, ...mine])
        const hits = yield* index.search(towards(2, 1), { audience: ownerOnly(me.id), collectionId: Option.none(), tags: [], memoryType: Option.none() }, 5)
        expect(hits.map((h) => h.memoryId).sort()).toEqual(mine.map((e) => e.memoryId).sort())
      }))

    it.effect("filters by collection, tags (all of them) and type inside the search", () =>
      Effect.gen(function*() {
        const index = yield* VectorIndex
        const user = yield* setup
        const tagged = yield* memoryOf(user.id, { tags: ["a", "b"], memoryType: "fact" })
        const half = yield* memoryOf(user.id, { tags: ["a"], memoryType: "fact" })
        const plain = yield* memoryOf(user.id)
        yield* index.upsert([entry(tagged, 0, towards(1, 0.5)), entry(half, 0, towards(1, 0.9)), entry(plain, 0, towards(1, 0.99))])
        const base = { audience: ownerOnly(user.id), collectionId: Option.none(), tags: [] as Array<string>, memoryType: Option.none<string>() }
        const ids = (filter: typeof base) => Effect.map(index.search(towards(1, 1), filter, 10), (h) => h.map((x) => x.memoryId))
        expect(yield* ids({ ...base, tags: ["a", "b"] })).toEqual([tagged.id])
        expect(yield* ids({ ...base, tags: ["a"] })).toEqual([half.id, tagged.id])
        expect(yield* ids({ ...base, memoryType: Option.some("note") })).toEqual([plain.id])
      }))

    it.effect("replaces a memory's chunks on upsert, and forgets them on remove", () =>
      Effect.gen(function*() {
        const index = yield* VectorIndex
        const user = yield* setup
        const m = yield* memoryOf(user.id)
        const filter = { audience: ownerOnly(user.id), collectionId: Option.none(), tags: [], memoryType: Option.none() }
        yield* index.upsert([entry(m, 0, towards(3, 0.9)), entry(m, 1, towards(3, 0.8))])
        yield* index.upsert([entry(m, 0, towards(4, 0.9))])
        const hits = yield* index.search(towards(4, 1), filter, 5)
        expect(hits.map((h) => [h.memoryId, h.chunkIndex])).toEqual([[m.id, 0]])
        yield* index.remove(m.id)
        expect(yield* index.search(towards(4, 1), filter, 5)).toEqual([])
      }))

    it.effect("reads through the audience: own memories, those shared one by one, and those in shared collections", () =>
      Effect.gen(function*() {
        const index = yield* VectorIndex
        const [me, other] = [yield* setup, yield* setup]
        const sharedCollection = CollectionId.make(uuidV7(Date.now()))
        const own = yield* memoryOf(me.id)
        const single = yield* memoryOf(other.id)
        const inCollection = entry(yield* memoryOf(other.id), 0, towards(6, 0.8))
        const hidden = yield* memoryOf(other.id)
        yield* index.upsert([
          entry(own, 0, towards(6, 0.5)),
          entry(single, 0, towards(6, 0.6)),
          { ...inCollection, collectionId: Option.some(sharedCollection) },
          entry(hidden, 0, towards(6, 0.99))
        ])
        const audience = { userId: me.id, memoryIds: [single.id], collectionIds: [sharedCollection] }
        const hits = yield* index.search(towards(6, 1), { audience, collectionId: Option.none(), tags: [], memoryType: Option.none() }, 10)
        expect(hits.map((h) => h.memoryId)).toEqual([inCollection.memoryId, single.id, own.id])
        const scoped = yield* index.search(towards(6, 1), { audience, collectionId: Option.some(sharedCollection), tags: [], memoryType: Option.none() }, 10)
        expect(scoped.map((h) => h.memoryId)).toEqual([inCollection.memoryId])
      }))

    it.effect("gives back a memory's first-chunk vector, for finding memories like it", () =>
      Effect.gen(function*() {
        const index = yield* VectorIndex
        const user = yield* setup
        const m = yield* memoryOf(user.id)
        yield* index.upsert([entry(m, 1, towards(2, 0.5)), entry(m, 0, towards(7, 0.9))])
        const v = Option.getOrThrow(yield* index.vectorOf(m.id))
        towards(7, 0.9).forEach((x, i) => expect(v[i]).toBeCloseTo(x, 5))
        expect(yield* index.vectorOf(MemoryId.make(uuidV7(0)))).toEqual(Option.none())
      }))
  })
