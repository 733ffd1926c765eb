import { Context, type DateTime, type Effect, Option } from "effect"
import type { UserId } from "../../domain/identity/user.js"
import type { Collection, CollectionId, Memory, MemoryId } from "../../domain/memory/memory.js"
import type { Audience } from "../../domain/memory/sharing.js"
import type { Position } from "../shared/pagination.js"
import type { StorageUnavailable } from "./errors.js"

export interface MemoryFilter {
  /** Only memories this audience may read (owned, shared one by one, or in a shared collection). */
  readonly audience: Audience
  readonly collectionId: Option.Option<CollectionId>
  /** Memories carrying every one of these tags. */
  readonly tags: ReadonlyArray<string>
  readonly memoryType: Option.Option<string>
  readonly pinned: Option.Option<boolean>
  /** Case-insensitive substring of the title or content. */
  readonly q: Option.Option<string>
  readonly createdFrom: Option.Option<DateTime.Utc>
  /** Exclusive. */
  readonly createdTo: Option.Option<DateTime.Utc>
}

/** No filter but the audience: every memory it may read. */
export const everything = (audience: Audience): MemoryFilter => ({
  audience,
  collectionId: Option.none(),
  tags: [],
  memoryType: Option.none(),
  pinned: Option.none(),
  q: Option.none(),
  createdFrom: Option.none(),
  createdTo: Option.none()
})

export class MemoryRepository extends Context.Service<MemoryRepository, {
  readonly insert: (memory: Memory) => Effect.Effect<void, StorageUnavailable>
  /** Inserts imported memories, skipping any whose owner already has its import key; answers the ids inserted. */
  readonly insertImported: (memories: ReadonlyArray<Memory>) => Effect.Effect<ReadonlyArray<MemoryId>, StorageUnavailable>
  /** Which of these import keys the owner's memories already carry. */
  readonly existingImportKeys: (ownerId: UserId, keys: ReadonlyArray<string>) => Effect.Effect<ReadonlySet<string>, StorageUnavailable>
  readonly findById: (id: MemoryId) => Effect.Effect<Option.Option<Memory>, StorageUnavailable>
  /** The memories of these ids that exist, in the order of `ids` (one query for a page of search results). */
  readonly findByIds: (ids: ReadonlyArray<MemoryId>) => Effect.Effect<ReadonlyArray<Memory>, StorageUnavailable>
  readonly update: (memory: Memory) => Effect.Effect<void, StorageUnavailable>
  readonly delete: (id: MemoryId) => Effect.Effect<boolean, StorageUnavailable>
  /** Every memory (or one owner's), in id order after `after`: for jobs that walk them all. At most `limit`. */
  readonly pageById: (ownerId: Option.Option<UserId>, after: Option.Option<MemoryId>, limit: number) => Effect.Effect<ReadonlyArray<Memory>, StorageUnavailable>
  /** Newest first (keyset on created_at, id); limit + 1 rows. */
  readonly list: (filter: MemoryFilter, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Memory>, StorageUnavailable>
  /**
   * Full-text search over title and content, best first, at most `k`. Plain words: a memory must
   * hold at least half of them (a long question rarely has all its words in one note, and one shared
   * word of many is noise), more words matched first. With "phrases", -exclusions or OR, web-search
   * syntax is followed exactly. Scores are relative ranks, comparable within one answer only.
   */
  readonly keywordSearch: (
    filter: MemoryFilter,
    query: string,
    k: number
  ) => Effect.Effect<ReadonlyArray<{ readonly memory: Memory; readonly score: number }>, StorageUnavailable>
}>()("MemoryRepository") {}

export class CollectionRepository extends Context.Service<CollectionRepository, {
  readonly insert: (collection: Collection) => Effect.Effect<void, StorageUnavailable>
  readonly findById: (id: CollectionId) => Effect.Effect<Option.Option<Collection>, StorageUnavailable>
  readonly update: (collection: Collection) => Effect.Effect<void, StorageUnavailable>
  /** Deletes the collection; its memories go too, or stay without a collection. */
  readonly delete: (id: CollectionId, deleteMemories: boolean) => Effect.Effect<void, StorageUnavailable>
  /** A user's collections, newest first; limit + 1 rows. */
  readonly list: (ownerId: UserId, after: Option.Option<Position>, limit: number) => Effect.Effect<ReadonlyArray<Collection>, StorageUnavailable>
}>()("CollectionRepository") {}
