import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { createCollection, deleteCollection, getCollection, updateCollection } from "../../application/memory/collections.js"
import { createMemory, deleteMemory, getMemory, listMemories, updateMemory } from "../../application/memory/memories.js"
import { searchMemories } from "../../application/memory/search.js"
import {
  collectionShares,
  memoryShares,
  revokeCollectionShare,
  revokeMemoryShare,
  shareCollection,
  sharedWithMe,
  shareMemory
} from "../../application/memory/sharing.js"
import { Email } from "../../domain/identity/user.js"
import { input, MemoryTestLayer, noFilter, search, tagOf } from "../support/memory-helpers.js"
import { person } from "../support/projects-helpers.js"

const firstPage = { limit: 20, cursor: Option.none() }

describe("sharing memories and collections", () => {
  it.effect("a read share lets the user read and find the memory, and nothing more", () =>
    Effect.gen(function*() {
      const ann = yield* person("ann")
      const bob = yield* person("bob")
      const carol = yield* person("carol")
      const m = yield* createMemory(ann.actor, input("the plum jam recipe needs two kilos of plums"))
      const { share } = yield* shareMemory(ann.actor, m.id, bob.email, "read")
      expect(share.permission).toBe("read")
      expect((yield* getMemory(bob.actor, m.id)).id).toBe(m.id)
      for (const mode of ["vector", "keyword", "hybrid"] as const) {
        expect((yield* searchMemories(bob.actor, search("plum jam", { mode }))).map((r) => r.memory.id), mode).toEqual([m.id])
      }
      expect((yield* listMemories(bob.actor, noFilter, firstPage)).items.map((x) => x.id)).toEqual([m.id])
      expect(yield* tagOf(updateMemory(bob.actor, m.id, { content: "changed" }))).toBe("Forbidden")
      expect(yield* tagOf(deleteMemory(bob.actor, m.id))).toBe("Forbidden")
      expect(yield* tagOf(shareMemory(bob.actor, m.id, carol.email, "read"))).toBe("Forbidden")
      expect(yield* tagOf(revokeMemoryShare(bob.actor, m.id, bob.actor.userId))).toBe("Forbidden")
      expect(yield* tagOf(memoryShares(bob.actor, m.id))).toBe("Forbidden")
      // Someone it was not shared with sees nothing at all.
      expect(yield* tagOf(getMemory(carol.actor, m.id))).toBe("NotFound")
      expect(yield* tagOf(shareMemory(carol.actor, m.id, bob.email, "write"))).toBe("NotFound")
      expect(yield* searchMemories(carol.actor, search("plum jam"))).toEqual([])
    }).pipe(Effect.provide(MemoryTestLayer)))

  it.effect("a write share edits (re-indexed for everyone) but neither moves, deletes nor re-shares", () =>
    Effect.gen(function*() {
      const ann = yield* person("ann")
      const bob = yield* person("bob")
      const jams = yield* createCollection(ann.actor, { name: "Jams", description: "" })
      const m = yield* createMemory(ann.actor, input("notes about the bicycle repair"))
      yield* shareMemory(ann.actor, m.id, bob.email, "write")
      const edited = yield* updateMemory(bob.actor, m.id, { content: "notes about sourdough bread baking", tags: ["bread"] })
      expect(edited.ownerId).toBe(ann.actor.userId)
      for (const who of [ann, bob]) {
        const [top] = yield* searchMemories(who.actor, search("sourdough bread", { mode: "vector" }))
        expect(top?.memory.id).toBe(m.id)
      }
      expect(yield* tagOf(updateMemory(bob.actor, m.id, { collectionId: Option.some(jams.id) }))).toBe("Forbidden")
      // Naming the collection it is already in is no move.
      expect(yield* tagOf(updateMemory(bob.actor, m.id, { collectionId: Option.none(), pinned: true }))).toBe("ok")
      expect(yield* tagOf(deleteMemory(bob.actor, m.id))).toBe("Forbidden")
      expect(yield* tagOf(shareMemory(bob.actor, m.id, ann.email, "read"))).toBe("Forbidden")
    }).pipe(Effect.provide(MemoryTestLayer)))

  it.effect("a shared collection shares every memory in it, later ones too, until revoked", () =>
    Effect.gen(function*() {
      const ann = yield* person("ann")
      const bob = yield* person("bob")
      const trips = yield* createCollection(ann.actor, { name: "Trips", description: "" })
      const inside = Option.some(trips.id)
      const a = yield* createMemory(ann.actor, input("flight to lisbon leaves at nine", { collectionId: inside }))
      const outside = yield* createMemory(ann.actor, input("flight simulator settings"))
      yield* shareCollection(ann.actor, trips.id, bob.email, "write")
      const b = yield* createMemory(ann.actor, input("hotel in lisbon near the river", { collectionId: inside }))
      expect((yield* getCollection(bob.actor, trips.id)).name).toBe("Trips")
      const found = (yield* searchMemories(bob.actor, search("lisbon flight", { collectionId: inside }))).map((r) => r.memory.id)
      expect(found.sort()).toEqual([a.id, b.id].sort())
      expect((yield* searchMemories(bob.actor, search("flight"))).map((r) => r.memory.id)).not.toContain(outside.id)
      const listed = yield* listMemories(bob.actor, { ...noFilter, collectionId: inside }, firstPage)
      expect(listed.items.map((x) => x.id).sort()).toEqual([a.id, b.id].sort())
      // Write on the collection: edit its memories and describe it; never delete it or share it on.
      yield* updateMemory(bob.actor, b.id, { title: Option.some("Hotel") })
      expect((yield* updateCollection(bob.actor, trips.id, { name: Option.none(), description: Option.some("summer") })).description).toBe("summer")
      expect(yield* tagOf(deleteCollection(bob.actor, trips.id, true))).toBe("Forbidden")
      expect(yield* tagOf(shareCollection(bob.actor, trips.id, bob.email, "read"))).toBe("Forbidden")
      expect(yield* tagOf(createMemory(bob.actor, input("mine", { collectionId: inside })))).toBe("Forbidden")
      yield* revokeCollectionShare(ann.actor, trips.id, bob.actor.userId)
      expect(yield* tagOf(getMemory(bob.actor, a.id))).toBe("NotFound")
      expect(yield* tagOf(getCollection(bob.actor, trips.id))).toBe("NotFound")
      expect(yield* searchMemories(bob.actor, search("lisbon"))).toEqual([])
      expect(yield* tagOf(revokeCollectionShare(ann.actor, trips.id, bob.actor.userId))).toBe("NotFound")
    }).pipe(Effect.provide(MemoryTestLayer)))

  it.effect("shares name a known user other than the owner; sharing again changes the permission", () =>
    Effect.gen(function*() {
      const ann = yield* person("ann")
      const bob = yield* person("bob")
      const m = yield* createMemory(ann.actor, input("x"))
      expect(yield* tagOf(shareMemory(ann.actor, m.id, Email.make("nobody@example.com"), "read"))).toBe("NotFound")
      expect(yield* tagOf(shareMemory(ann.actor, m.id, ann.email, "read"))).toBe("InvalidShare")
      const first = yield* shareMemory(ann.actor, m.id, bob.email, "read")
      yield* TestClock.adjust("1 minute")
      const second = yield* shareMemory(ann.actor, m.id, bob.email, "write")
      expect(second.share.permission).toBe("write")
      expect(second.share.createdAt).toEqual(first.share.createdAt)
      const listed = yield* memoryShares(ann.actor, m.id)
      expect(listed.map((s) => [s.email, s.share.permission])).toEqual([[bob.email, "write"]])
      expect(yield* collectionShares(ann.actor, (yield* createCollection(ann.actor, { name: "c", description: "" })).id)).toEqual([])
    }).pipe(Effect.provide(MemoryTestLayer)))

  it.effect("shared-with-me lists memories and collections, newest share first, in pages; deleted ones leave it", () =>
    Effect.gen(function*() {
      const ann = yield* person("ann")
      const bob = yield* person("bob")
      const m1 = yield* createMemory(ann.actor, input("one"))
      const m2 = yield* createMemory(ann.actor, input("two"))
      const c = yield* createCollection(ann.actor, { name: "Shared", description: "" })
      yield* shareMemory(ann.actor, m1.id, bob.email, "read")
      yield* TestClock.adjust("1 second")
      yield* shareCollection(ann.actor, c.id, bob.email, "write")
      yield* TestClock.adjust("1 second")
      yield* shareMemory(ann.actor, m2.id, bob.email, "write")
      const page1 = yield* sharedWithMe(bob.actor, { limit: 2, cursor: Option.none() })
      const page2 = yield* sharedWithMe(bob.actor, { limit: 2, cursor: page1.nextCursor })
      expect([...page1.items, ...page2.items].map((i) => [i.share.kind, i.share.targetId, i.share.permission])).toEqual([
        ["memory", m2.id, "write"],
        ["collection", c.id, "write"],
        ["memory", m1.id, "read"]
      ])
      expect(Option.isNone(page2.nextCursor)).toBe(true)
      expect(Option.map(page1.items[0]!.memory, (x) => x.content)).toEqual(Option.some("two"))
      yield* deleteMemory(ann.actor, m2.id)
      yield* deleteCollection(ann.actor, c.id, false)
      expect((yield* sharedWithMe(bob.actor, firstPage)).items.map((i) => i.share.targetId)).toEqual([m1.id])
      expect((yield* sharedWithMe(ann.actor, firstPage)).items).toEqual([])
    }).pipe(Effect.provide(MemoryTestLayer)))
})
