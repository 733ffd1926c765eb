import { Context, DateTime, Effect, Layer, Option, Ref } from "effect"
import { CollectionRepository, type MemoryFilter, MemoryRepository } from "../../application/ports/memory-repository.js"
import { type Collection, Memory } from "../../domain/memory/memory.js"
import { MemoryAnalyticsReader, QueryLog } from "../../application/ports/memory-analytics.js"
import { MemoryShareRepository } from "../../application/ports/memory-share-repository.js"
import { ANALYTICS_TOP, normalizeQuery, type QueryLogEntry } from "../../domain/memory/analytics.js"
import { audienceIncludes, Share } from "../../domain/memory/sharing.js"
import { newestFirstAfter } from "./keyset.js"

/**
 * For tests only: the memory ports over one state, so that deleting a collection takes its memories and
 * shares along, and the analytics see what the repositories hold.
 */
export const MemoriesMemory = Layer.effectContext(
  Effect.gen(function*() {
    const memories = yield* Ref.make(new Map<string, Memory>())
    const collections = yield* Ref.make(new Map<string, Collection>())
    // Keyed kind:target:user; a share goes with its memory or collection, as the SQL foreign keys do.
    const shares = yield* Ref.make(new Map<string, Share>())
    const shareKey = (kind: string, targetId: string, userId: string) => `${kind}:${targetId}:${userId}`
    const dropSharesOf = (targetIds: ReadonlySet<string>) =>
      Ref.update(shares, (all) => new Map([...all].filter(([, share]) => !targetIds.has(share.targetId))))
    const holds = <A>(condition: Option.Option<A>, f: (a: A) => boolean) => Option.isNone(condition) || f(condition.value)
    const matches = (m: Memory, filter: MemoryFilter) => {
      const q = Option.map(filter.q, (x) => x.toLowerCase())
      return audienceIncludes(filter.audience, m) &&
        holds(filter.collectionId, (id) => Option.contains(m.collectionId, id)) &&
        filter.tags.every((tag) => m.tags.includes(tag)) &&
        holds(filter.memoryType, (t) => m.memoryType === t) &&
        holds(filter.pinned, (p) => m.pinned === p) &&
        holds(q, (x) => `${Option.getOrElse(m.title, () => "")}\n${m.content}`.toLowerCase().includes(x)) &&
        holds(filter.createdFrom, (d) => DateTime.isGreaterThanOrEqualTo(m.createdAt, d)) &&
        holds(filter.createdTo, (d) => DateTime.isLessThan(m.createdAt, d))
    }
    const words = (text: string): Array<string> => [...(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])]
    const memoryRepository = MemoryRepository.of({
      insert: (m) => Ref.update(memories, (all) => new Map(all).set(m.id, m)),
      insertImported: (ms) =>
        Ref.modify(memories, (all) => {
          const next = new Map(all)
          const taken = new Set([...all.values()].flatMap((m) => Option.toArray(Option.map(m.importKey, (k) => `${m.ownerId}:${k}`))))
          const inserted: Array<Memory["id"]> = []
          for (const m of ms) {
            const key = Option.map(m.importKey, (k) => `${m.ownerId}:${k}`)
            if (Option.isSome(key) && taken.has(key.value)) continue
            if (Option.isSome(key)) taken.add(key.value)
            next.set(m.id, m)
            inserted.push(m.id)
          }
          return [inserted, next] as const
        }),
      existingImportKeys: (ownerId, keys) =>
        Effect.map(Ref.get(memories), (all) => {
          const mine = new Set([...all.values()].filter((m) => m.ownerId === ownerId).flatMap((m) => Option.toArray(m.importKey)))
          return new Set(keys.filter((k) => mine.has(k)))
        }),
      findById: (id) => Effect.map(Ref.get(memories), (all) => Option.fromNullishOr(all.get(id))),
      findByIds: (ids) => Effect.map(Ref.get(memories), (all) => [...new Set(ids)].flatMap((id) => Option.toArray(Option.fromNullishOr(all.get(id))))),
      update: (m) => Ref.update(memories, (all) => all.has(m.id) ? new Map(all).set(m.id, m) : all),
      delete: (id) =>
        Ref.modify(memories, (all) => {
          if (!all.has(id)) return [false, all] as const
          const rest = new Map(all)
          rest.delete(id)
          return [true, rest] as const
        }).pipe(Effect.tap((deleted) => deleted ? dropSharesOf(new Set([id])) : Effect.void)),
      pageById: (ownerId, after, limit) =>
        Effect.map(Ref.get(memories), (all) =>
          [...all.values()]
            .filter((m) => Option.isNone(ownerId) || m.ownerId === ownerId.value)
            .filter((m) => Option.isNone(after) || m.id > after.value)
            .sort((a, b) => (a.id < b.id ? -1 : 1))
            .slice(0, limit)),
      list: (filter, after, limit) =>
        Effect.map(Ref.get(memories), (all) => newestFirstAfter([...all.values()].filter((m) => matches(m, filter)), after, limit)),
      // A simplified twin of the SQL search, without stemming or stop words: with -words, every plain
      // word must occur and no -word may; otherwise at least half of the words, more matched first.
      keywordSearch: (filter, query, k) =>
        Effect.map(Ref.get(memories), (all) => {
          const terms = query.split(/\s+/).filter((t) => t.length > 0)
          const required = [...new Set(terms.filter((t) => !t.startsWith("-")).flatMap((t) => words(t)))]
          const excluded = terms.filter((t) => t.startsWith("-")).flatMap((t) => words(t.slice(1)))
          const strict = excluded.length > 0
          return [...all.values()]
            .filter((m) => matches(m, filter))
            .map((memory) => {
              const text = words(`${Option.getOrElse(memory.title, () => "")} ${memory.content}`)
              const present = required.filter((w) => text.includes(w))
              const enough = required.length > 0 && (strict ? present.length === required.length : present.length * 2 >= required.length)
              const ok = enough && !excluded.some((w) => text.includes(w))
              const density = present.reduce((n, w) => n + text.filter((x) => x === w).length, 0) / text.length
              return { memory, score: ok ? present.length / required.length + 0.01 * density / (density + 1) : 0 }
            })
            .filter((r) => r.score > 0)
            .sort((a, b) => b.score - a.score || DateTime.toEpochMillis(b.memory.createdAt) - DateTime.toEpochMillis(a.memory.createdAt))
            .slice(0, k)
        })
    })
    const collectionRepository = CollectionRepository.of({
      insert: (c) => Ref.update(collections, (all) => new Map(all).set(c.id, c)),
      findById: (id) => Effect.map(Ref.get(collections), (all) => Option.fromNullishOr(all.get(id))),
      update: (c) => Ref.update(collections, (all) => all.has(c.id) ? new Map(all).set(c.id, c) : all),
      delete: (id, deleteMemories) =>
        Effect.gen(function*() {
          yield* Ref.update(collections, (all) => {
            const rest = new Map(all)
            rest.delete(id)
            return rest
          })
          const inside = [...(yield* Ref.get(memories)).values()].filter((m) => Option.contains(m.collectionId, id)).map((m) => m.id as string)
          yield* Ref.update(memories, (all) =>
            new Map([...all].flatMap(([key, m]): Array<[string, Memory]> => {
              if (!Option.contains(m.collectionId, id)) return [[key, m]]
              return deleteMemories ? [] : [[key, new Memory({ ...m, collectionId: Option.none() })]]
            })))
          yield* dropSharesOf(new Set([id, ...(deleteMemories ? inside : [])]))
        }),
      list: (ownerId, after, limit) =>
        Effect.map(Ref.get(collections), (all) => newestFirstAfter([...all.values()].filter((c) => c.ownerId === ownerId), after, limit))
    })
    const sharesOf = (userId: string) => Effect.map(Ref.get(shares), (all) => [...all.values()].filter((share) => share.userId === userId))
    const shareRepository = MemoryShareRepository.of({
      grant: (share) =>
        Ref.modify(shares, (all) => {
          const key = shareKey(share.kind, share.targetId, share.userId)
          const kept = all.get(key)
          const stored = kept === undefined ? share : new Share({ ...kept, permission: share.permission })
          return [stored, new Map(all).set(key, stored)] as const
        }),
      revoke: (kind, targetId, userId) =>
        Ref.modify(shares, (all) => {
          const key = shareKey(kind, targetId, userId)
          if (!all.has(key)) return [false, all] as const
          const rest = new Map(all)
          rest.delete(key)
          return [true, rest] as const
        }),
      grantsOf: (userId) =>
        Effect.map(sharesOf(userId), (mine) => ({
          memories: new Map(mine.filter((s) => s.kind === "memory").map((s) => [s.targetId, s.permission])),
          collections: new Map(mine.filter((s) => s.kind === "collection").map((s) => [s.targetId, s.permission]))
        })),
      listFor: (kind, targetId) =>
        Effect.map(Ref.get(shares), (all) =>
          [...all.values()]
            .filter((s) => s.kind === kind && s.targetId === targetId)
            .sort((a, b) => DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt) || (a.userId < b.userId ? -1 : 1))),
      sharedWith: (userId, after, limit) =>
        Effect.map(sharesOf(userId), (mine) =>
          newestFirstAfter(mine.map((share) => ({ id: share.targetId, createdAt: share.createdAt, share })), after, limit).map((x) => x.share))
    })
    const queries = yield* Ref.make<ReadonlyArray<QueryLogEntry>>([])
    const queryLog = QueryLog.of({
      record: (entry) => Ref.update(queries, (all) => [...all, entry]),
      recordMany: (entries) => Ref.update(queries, (all) => [...all, ...entries]),
      prune: (before) =>
        Ref.modify(queries, (all) => {
          const kept = all.filter((q) => !DateTime.isLessThan(q.createdAt, before))
          return [all.length - kept.length, kept] as const
        })
    })
    const analytics = MemoryAnalyticsReader.of({
      forUser: (userId, since) =>
        Effect.gen(function*() {
          const own = [...(yield* Ref.get(memories)).values()].filter((m) => m.ownerId === userId)
          const ownCollections = [...(yield* Ref.get(collections)).values()].filter((c) => c.ownerId === userId)
          const allShares = [...(yield* Ref.get(shares)).values()]
          const asked = (yield* Ref.get(queries)).filter((q) => q.userId === userId && !DateTime.isLessThan(q.createdAt, since))
          const ownIds = new Set<string>([...own.map((m) => m.id), ...ownCollections.map((c) => c.id)])
          const day = (d: DateTime.Utc) => DateTime.formatIso(d).slice(0, 10)
          const counted = <K>(keys: ReadonlyArray<K>) => {
            const counts = new Map<K, number>()
            for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1)
            return [...counts]
          }
          const byName = (a: string | null, b: string | null) => a === null ? (b === null ? 0 : 1) : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0
          const top = counted(asked.map((q) => normalizeQuery(q.query))).map(([query, count]) => ({
            query,
            count,
            lastAt: asked.filter((q) => normalizeQuery(q.query) === query).map((q) => q.createdAt).reduce((a, b) => DateTime.max(a, b))
          }))
          return {
            totals: {
              memories: own.length,
              collections: ownCollections.length,
              pinned: own.filter((m) => m.pinned).length,
              sharedByMe: allShares.filter((x) => ownIds.has(x.targetId)).length,
              sharedWithMe: allShares.filter((x) => x.userId === userId).length,
              searches: asked.filter((q) => q.kind === "search").length,
              ragQueries: asked.filter((q) => q.kind === "rag").length
            },
            byCollection: [
              ...ownCollections.map((c) => ({ collectionId: c.id as string | null, name: c.name as string | null, count: own.filter((m) => Option.contains(m.collectionId, c.id)).length })),
              { collectionId: null, name: null, count: own.filter((m) => Option.isNone(m.collectionId)).length }
            ].sort((a, b) => b.count - a.count || byName(a.name, b.name)).slice(0, ANALYTICS_TOP.collections),
            byTag: counted(own.flatMap((m) => m.tags)).map(([tag, count]) => ({ tag, count }))
              .sort((a, b) => b.count - a.count || byName(a.tag, b.tag)).slice(0, ANALYTICS_TOP.tags),
            byType: counted(own.map((m) => m.memoryType)).map(([memoryType, count]) => ({ memoryType, count }))
              .sort((a, b) => b.count - a.count || byName(a.memoryType, b.memoryType)),
            createdPerDay: counted(own.filter((m) => !DateTime.isLessThan(m.createdAt, since)).map((m) => day(m.createdAt)))
              .map(([date, count]) => ({ date, count })).sort((a, b) => byName(a.date, b.date)),
            queriesPerDay: [...new Set(asked.map((q) => day(q.createdAt)))].sort().map((date) => ({
              date,
              searches: asked.filter((q) => q.kind === "search" && day(q.createdAt) === date).length,
              ragQueries: asked.filter((q) => q.kind === "rag" && day(q.createdAt) === date).length
            })),
            topQueries: top.sort((a, b) =>
              b.count - a.count || DateTime.toEpochMillis(b.lastAt) - DateTime.toEpochMillis(a.lastAt) || byName(a.query, b.query)
            ).slice(0, ANALYTICS_TOP.queries)
          }
        })
    })
    return Context.make(MemoryRepository, memoryRepository).pipe(
      Context.add(CollectionRepository, collectionRepository),
      Context.add(MemoryShareRepository, shareRepository),
      Context.add(QueryLog, queryLog),
      Context.add(MemoryAnalyticsReader, analytics)
    )
  })
)
