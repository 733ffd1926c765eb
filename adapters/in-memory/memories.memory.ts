import { Context, DateTime, Effect, Layer, Option, Ref } from "effect"
import { CollectionRepository, type MemoryFilter, MemoryRepository } from "../../application/ports/memory-repository.js"
import { type Collection, Memory } from "../../domain/memory/memory.js"
import { newestFirstAfter } from "./keyset.js"

/** For tests only: both ports over one state, so that deleting a collection can take its memories along. */
export const MemoriesMemory = Layer.effectContext(
  Effect.gen(function*() {
    const memories = yield* Ref.make(new Map<string, Memory>())
    const collections = yield* Ref.make(new Map<string, Collection>())
    const holds = <A>(condition: Option.Option<A>, f: (a: A) => boolean) => Option.isNone(condition) || f(condition.value)
    const matches = (m: Memory, filter: MemoryFilter) => {
      const q = Option.map(filter.q, (x) => x.toLowerCase())
      return m.ownerId === filter.ownerId &&
        holds(filter.collectionId, (id) => Option.contains(m.collectionId, id)) &&
        holds(filter.tag, (tag) => m.tags.includes(tag)) &&
        holds(filter.memoryType, (t) => m.memoryType === t) &&
        holds(filter.pinned, (p) => m.pinned === p) &&
        holds(q, (x) => `${Option.getOrElse(m.title, () => "")}\n${m.content}`.toLowerCase().includes(x)) &&
        holds(filter.createdFrom, (d) => DateTime.greaterThanOrEqualTo(m.createdAt, d)) &&
        holds(filter.createdTo, (d) => DateTime.lessThan(m.createdAt, d))
    }
    const words = (text: string): Array<string> => [...(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])]
    const memoryRepository = MemoryRepository.of({
      insert: (m) => Ref.update(memories, (all) => new Map(all).set(m.id, m)),
      findById: (id) => Effect.map(Ref.get(memories), (all) => Option.fromNullable(all.get(id))),
      update: (m) => Ref.update(memories, (all) => all.has(m.id) ? new Map(all).set(m.id, m) : all),
      delete: (id) =>
        Ref.modify(memories, (all) => {
          if (!all.has(id)) return [false, all] as const
          const rest = new Map(all)
          rest.delete(id)
          return [true, rest] as const
        }),
      list: (filter, after, limit) =>
        Effect.map(Ref.get(memories), (all) => newestFirstAfter([...all.values()].filter((m) => matches(m, filter)), after, limit)),
      // A simplified web-search: every plain word must occur, no "-word" may; no stemming.
      keywordSearch: (filter, query, k) =>
        Effect.map(Ref.get(memories), (all) => {
          const terms = query.split(/\s+/).filter((t) => t.length > 0)
          const required = terms.filter((t) => !t.startsWith("-")).flatMap((t) => words(t))
          const excluded = terms.filter((t) => t.startsWith("-")).flatMap((t) => words(t.slice(1)))
          return [...all.values()]
            .filter((m) => matches(m, filter))
            .map((memory) => {
              const text = words(`${Option.getOrElse(memory.title, () => "")} ${memory.content}`)
              const ok = required.length > 0 && required.every((w) => text.includes(w)) && !excluded.some((w) => text.includes(w))
              return { memory, score: ok ? required.reduce((n, w) => n + text.filter((x) => x === w).length, 0) / text.length : 0 }
            })
            .filter((r) => r.score > 0)
            .sort((a, b) => b.score - a.score || DateTime.toEpochMillis(b.memory.createdAt) - DateTime.toEpochMillis(a.memory.createdAt))
            .slice(0, k)
        })
    })
    const collectionRepository = CollectionRepository.of({
      insert: (c) => Ref.update(collections, (all) => new Map(all).set(c.id, c)),
      findById: (id) => Effect.map(Ref.get(collections), (all) => Option.fromNullable(all.get(id))),
      update: (c) => Ref.update(collections, (all) => all.has(c.id) ? new Map(all).set(c.id, c) : all),
      delete: (id, deleteMemories) =>
        Effect.zipRight(
          Ref.update(collections, (all) => {
            const rest = new Map(all)
            rest.delete(id)
            return rest
          }),
          Ref.update(memories, (all) =>
            new Map([...all].flatMap(([key, m]): Array<[string, Memory]> => {
              if (!Option.contains(m.collectionId, id)) return [[key, m]]
              return deleteMemories ? [] : [[key, new Memory({ ...m, collectionId: Option.none() })]]
            })))
        ),
      list: (ownerId, after, limit) =>
        Effect.map(Ref.get(collections), (all) => newestFirstAfter([...all.values()].filter((c) => c.ownerId === ownerId), after, limit))
    })
    return Context.make(MemoryRepository, memoryRepository).pipe(Context.add(CollectionRepository, collectionRepository))
  })
)
