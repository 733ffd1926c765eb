import type { DateTime } from "effect"
import type { UserId } from "../identity/user.js"

/** One search or question, as asked: the analytics' raw material. */
export interface QueryLogEntry {
  readonly id: string
  readonly userId: UserId
  readonly kind: "search" | "rag"
  readonly query: string
  readonly mode: string
  readonly resultCount: number
  readonly createdAt: DateTime.Utc
}

/** A user's memory figures: totals over everything, series over the window asked for. */
export interface MemoryAnalytics {
  readonly totals: {
    readonly memories: number
    readonly collections: number
    readonly pinned: number
    readonly sharedByMe: number
    readonly sharedWithMe: number
    readonly searches: number
    readonly ragQueries: number
  }
  /** Own memories per collection (null: in none), largest first. */
  readonly byCollection: ReadonlyArray<{ readonly collectionId: string | null; readonly name: string | null; readonly count: number }>
  /** The most used tags, most used first. */
  readonly byTag: ReadonlyArray<{ readonly tag: string; readonly count: number }>
  readonly byType: ReadonlyArray<{ readonly memoryType: string; readonly count: number }>
  /** Days (UTC, YYYY-MM-DD) with at least one memory created, oldest first. */
  readonly createdPerDay: ReadonlyArray<{ readonly date: string; readonly count: number }>
  /** Days with at least one search or question, oldest first. */
  readonly queriesPerDay: ReadonlyArray<{ readonly date: string; readonly searches: number; readonly ragQueries: number }>
  /** The user's most frequent queries (trimmed, lower-cased), most frequent first. */
  readonly topQueries: ReadonlyArray<{ readonly query: string; readonly count: number; readonly lastAt: DateTime.Utc }>
}

/** How a query is counted: the same words in another case or spacing are the same query. */
export const normalizeQuery = (query: string): string => query.trim().replace(/\s+/g, " ").toLowerCase()

export const ANALYTICS_TOP = { tags: 50, collections: 50, queries: 10 } as const
