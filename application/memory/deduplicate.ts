import { DateTime, Effect, Option, Schema } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { UserId } from "../../domain/identity/user.js"
import { Memory, MEMORY_LIMITS, type MemoryId, metadataBytes } from "../../domain/memory/memory.js"
import { ownerOnly } from "../../domain/memory/sharing.js"
import { enqueueJob } from "../jobs/jobs.js"
import { JobFailed, type JobRun } from "../jobs/runner.js"
import { ContentHash } from "../ports/content-hash.js"
import { MemoryRepository } from "../ports/memory-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { VectorIndex } from "../ports/vector-index.js"
import { embedMemory, patiently } from "./indexing.js"

export const DEDUPLICATE_JOB = "memory.deduplicate"
export const DEFAULT_SIMILARITY = 0.95
const Payload = Schema.Struct({ threshold: Schema.Number.pipe(Schema.check(Schema.isBetween({ minimum: 0.5, maximum: 1 }))) })
/** Groups listed in the job's report; all are merged whatever their number. */
const REPORTED_GROUPS = 500

export const startDeduplicate = Effect.fn("Memory.startDeduplicate")(function*(actor: Actor, threshold: number) {
  return yield* enqueueJob(DEDUPLICATE_JOB, Option.some(actor.userId), { threshold }, { maxAttempts: 3 })
})

/** Groups of ids that belong together (union–find with path halving). */
const groups = () => {
  const parent = new Map<string, string>()
  const find = (x: string): string => {
    let r = x
    while (parent.has(r) && parent.get(r) !== r) {
      const p = parent.get(r)!
      parent.set(r, parent.get(p) ?? p)
      r = p
    }
    return r
  }
  return {
    union: (a: string, b: string) => {
      const [ra, rb] = [find(a), find(b)]
      if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb)
    },
    members: (ids: Iterable<string>) => {
      const out = new Map<string, Array<string>>()
      for (const id of ids) out.set(find(id), [...(out.get(find(id)) ?? []), id])
      return [...out.values()].filter((g) => g.length > 1)
    }
  }
}

/** One memory from several: the oldest stays, with every tag (up to the limit), the metadata of all (its own winning) and pinned if any was. */
export const mergeInto = (keeper: Memory, others: ReadonlyArray<Memory>, now: DateTime.Utc): Memory => {
  const tags = [...new Set([...keeper.tags, ...others.flatMap((m) => m.tags)])].slice(0, MEMORY_LIMITS.tags)
  let metadata: Record<string, unknown> = keeper.metadata
  for (const other of [...others].reverse()) {
    const candidate = { ...other.metadata, ...metadata }
    if (metadataBytes(candidate) <= MEMORY_LIMITS.metadataBytes) metadata = candidate
  }
  return new Memory({ ...keeper, tags, metadata, pinned: keeper.pinned || others.some((m) => m.pinned), updatedAt: now })
}

/**
 * The deduplicate job, over the owner's memories: exact duplicates (same content, ignoring case and
 * spacing) and near duplicates (first chunks at least `threshold` similar, by the index) are merged
 * into the oldest of each group; the others are deleted. The result reports what merged into what.
 */
export const runDeduplicate = (run: JobRun) =>
  Effect.gen(function*() {
    const { threshold } = yield* Schema.decodeUnknownEffect(Payload)(run.job.payload).pipe(
      Effect.mapError(() => new JobFailed({ message: "malformed deduplicate job payload", retryable: false }))
    )
    const owner = UserId.make(Option.getOrThrow(run.job.ownerId))
    const memories = yield* MemoryRepository
    const index = yield* VectorIndex
    const hash = yield* ContentHash
    const uow = yield* UnitOfWork
    const found = groups()
    const byContent = new Map<string, string>()
    const reasons = new Map<string, { reason: "exact" | "similar"; similarity: number }>()
    const seen: Array<string> = []
    let after = Option.none<MemoryId>()
    for (;;) {
      const page = yield* memories.pageById(Option.some(owner), after, 200)
      if (page.length === 0) break
      for (const m of page) {
        seen.push(m.id)
        const key = hash.sha256(m.content.trim().replace(/\s+/g, " ").toLowerCase())
        const twin = byContent.get(key)
        if (twin === undefined) byContent.set(key, m.id)
        else {
          found.union(twin, m.id)
          for (const id of [twin, m.id]) reasons.set(id, { reason: "exact", similarity: 1 })
        }
        const vector = yield* index.vectorOf(m.id)
        if (Option.isNone(vector)) continue
        const near = yield* index.search(vector.value, { audience: ownerOnly(owner), collectionId: Option.none(), tags: [], memoryType: Option.none() }, 6)
        for (const hit of near) {
          if (hit.memoryId !== m.id && hit.score >= threshold) {
            found.union(m.id, hit.memoryId)
            for (const id of [m.id as string, hit.memoryId as string]) {
              if (!reasons.has(id)) reasons.set(id, { reason: "similar", similarity: Math.round(hit.score * 1000) / 1000 })
            }
          }
        }
      }
      after = Option.some(page.at(-1)!.id)
      yield* run.progress(seen.length, Option.none(), null)
    }

    const report: Array<{ kept: string; merged: Array<{ id: string; reason: string; similarity: number }> }> = []
    let mergedCount = 0
    for (const group of found.members(seen)) {
      const loaded = (yield* Effect.forEach(group, (id) => memories.findById(id as MemoryId))).flatMap(Option.toArray)
      if (loaded.length < 2) continue
      const [keeper, ...others] = [...loaded].sort((a, b) => DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt) || (a.id < b.id ? -1 : 1))
      const merged = mergeInto(keeper!, others, yield* DateTime.now)
      const entries = yield* patiently(embedMemory(merged))
      yield* uow.transaction(
        Effect.gen(function*() {
          yield* memories.update(merged)
          yield* index.upsert(entries)
          for (const other of others) {
            yield* index.remove(other.id)
            yield* memories.delete(other.id)
          }
        })
      )
      mergedCount += others.length
      if (report.length < REPORTED_GROUPS) {
        report.push({ kept: keeper!.id, merged: others.map((o) => ({ id: o.id, ...(reasons.get(o.id) ?? { reason: "similar", similarity: threshold }) })) })
      }
    }
    yield* run.progress(seen.length, Option.some(seen.length), null)
    yield* Effect.logInfo("deduplicated").pipe(Effect.annotateLogs({ owner, checked: seen.length, merged: mergedCount }))
    return { checked: seen.length, merged: mergedCount, groups: report.length, threshold, report }
  })
