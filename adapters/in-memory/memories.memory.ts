import { Context, DateTime, Effect, Layer, Option, Ref } from "effect"
import { CollectionRepository, MemoryRepository } from "../../application/ports/memory-repository.js"
import { type Collection, Memory } from "../../domain/memory/memory.js"
import { newestFirstAfter } from "./keyset.js"

/** For tests only: both ports over one state, so that deleting a collection can take its memories along. */
export const MemoriesMemory = Layer.effectContext(
  Effect.gen(function*() {
    const memories = yield* Ref.make(new Map<string, Memory>())
    const collections = yield* Ref.make(new Map<string, Collection>())
    const holds = <A>(condition: Option.Option<A>, f: (a: A) => boolean) => Option.isNone(condition) || f(condition.value)
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
        Effect.map(Ref.get(memories), (all) => {
          const q = Option.map(filter.q, (x) => x.toLowerCase())
          return newestFirstAfter(
            [...all.values()].filter((m) =>
              m.ownerId === filter.ownerId &&
              holds(filter.collectionId, (id) => Option.contains(m.collectionId, id)) &&
              holds(filter.tag, (tag) => m.tags.includes(tag)) &&
              holds(filter.memoryType, (t) => m.memoryType === t) &&
              holds(filter.pinned, (p) => m.pinned === p) &&
              holds(q, (x) => `${Option.getOrElse(m.title, () => "")}\n${m.content}`.toLowerCase().includes(x)) &&
              holds(filter.createdFrom, (d) => DateTime.greaterThanOrEqualTo(m.createdAt, d)) &&
              holds(filter.createdTo, (d) => DateTime.lessThan(m.createdAt, d))
            ),
            after,
            limit
          )
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
