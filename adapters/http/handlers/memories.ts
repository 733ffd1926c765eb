import { HttpApiBuilder } from "effect/http-api"
import { type HttpServerRequest } from "effect/http"
import { uploadedFile } from "../uploads.js"
import { Effect, Option, Result, Stream } from "effect"
import { createCollection, deleteCollection, getCollection, listCollections, updateCollection } from "../../../application/memory/collections.js"
import { createMemory, deleteMemory, getMemory, listMemories, updateMemory } from "../../../application/memory/memories.js"
import { memoryAnalytics } from "../../../application/memory/analytics.js"
import { answerQuestion } from "../../../application/memory/rag.js"
import { searchMemories } from "../../../application/memory/search.js"
import {
  collectionShares,
  memoryShares,
  revokeCollectionShare,
  revokeMemoryShare,
  shareCollection,
  sharedWithMe,
  shareMemory
} from "../../../application/memory/sharing.js"
import { UserId } from "../../../domain/identity/user.js"
import type { Share } from "../../../domain/memory/sharing.js"
import type { Actor } from "../../../domain/identity/actor.js"
import { type Collection, CollectionId, type Memory, MemoryId } from "../../../domain/memory/memory.js"
import { BrainOpsApi } from "../api.js"
import { Authentication, CurrentActor } from "../current-actor.js"
import { type HttpErrorOf, httpErrors, toHttpError } from "../error-mapping.js"
import { BadRequest, PayloadTooLarge, UnsupportedMediaType } from "../errors.js"
import { startExport, startImport } from "../../../application/memory/transfer.js"
import { startReindex } from "../../../application/memory/reindex.js"
import { startDeduplicate } from "../../../application/memory/deduplicate.js"
import { admitJob, admitQuery, MemoryLimitSettings } from "../../../application/memory/limits.js"
import type { TransferFormat } from "../../../domain/memory/portable.js"
import type { Forbidden, NotFound, RateLimited } from "../../../domain/shared/errors.js"
import type { TooManyActiveJobs } from "../../../domain/jobs/errors.js"
import type { StorageUnavailable } from "../../../application/ports/errors.js"
import { AnalyticsResponse, CollectionResponse, MemoryResponse, RagResponse, SearchResponse, SharedItemResponse, ShareResponse, SharesResponse } from "../memory-schemas.js"
import { toPageRequest, toPageResponse } from "../pagination.js"
import { capturingOnly } from "../captured-context.js"
import { AnswerGenerator } from "../../../application/ports/answer-generator.js"
import { CollectionRepository, MemoryRepository } from "../../../application/ports/memory-repository.js"
import { UnitOfWork } from "../../../application/ports/unit-of-work.js"
import { MemoryAnalyticsReader, QueryLog } from "../../../application/ports/memory-analytics.js"
import { Embedder, QueryEmbedder } from "../../../application/ports/embedder.js"
import { Ids } from "../../../application/ports/ids.js"
import { VectorIndex } from "../../../application/ports/vector-index.js"
import { UserRepository } from "../../../application/ports/user-repository.js"
import { MemoryShareRepository } from "../../../application/ports/memory-share-repository.js"
import { FileStore } from "../../../application/ports/file-store.js"
import { JobQueue } from "../../../application/ports/job-queue.js"
import { RateLimiter } from "../../../application/ports/rate-limiter.js"

const toMemoryResponse = (m: Memory) =>
  new MemoryResponse({
    id: m.id,
    owner_id: m.ownerId,
    collection_id: Option.getOrNull(m.collectionId),
    title: Option.getOrNull(m.title),
    content: m.content,
    tags: m.tags,
    metadata: m.metadata,
    memory_type: m.memoryType,
    pinned: m.pinned,
    created_at: m.createdAt,
    updated_at: m.updatedAt
  })

const toCollectionResponse = (c: Collection) =>
  new CollectionResponse({ id: c.id, owner_id: c.ownerId, name: c.name, description: c.description, created_at: c.createdAt, updated_at: c.updatedAt })

const toShareResponse = ({ email, share }: { readonly share: Share; readonly email: string }) =>
  new ShareResponse({ user_id: share.userId, email, permission: share.permission, created_at: share.createdAt })

/** Where the records of an import request are, and how to read them, from its Content-Type. */
const uploadOf = (
  request: HttpServerRequest.HttpServerRequest,
  format: TransferFormat | undefined
): Result.Result<
  { readonly body: Stream.Stream<Uint8Array, BadRequest | PayloadTooLarge>; readonly format: Effect.Effect<TransferFormat, BadRequest> },
  UnsupportedMediaType
> => {
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
  const byType = (t: string): TransferFormat | undefined =>
    ["application/x-ndjson", "application/jsonl", "application/jsonlines", "application/x-jsonlines"].includes(t)
      ? "jsonl"
      : t === "application/json" ? "json" : undefined
  if (type === "multipart/form-data") {
    const file = uploadedFile(request)
    const detected = Effect.suspend(() => {
      const name = file.name() ?? ""
      const byName = /\.(jsonl|ndjson)$/i.test(name) ? "jsonl" : /\.json$/i.test(name) ? "json" : undefined
      const known = format ?? byName ?? byType(file.contentType())
      return known === undefined
        ? Effect.fail(new BadRequest({ detail: "Cannot tell the file's format: name it .jsonl or .json, or add ?format=jsonl|json" }))
        : Effect.succeed(known)
    })
    return Result.succeed({ body: file.body, format: detected })
  }
  const known = byType(type) ?? (type === "" || type === "application/octet-stream" ? format : undefined)
  return known === undefined
    ? Result.fail(new UnsupportedMediaType({ detail: "Send application/x-ndjson (JSON Lines), application/json (one array), or multipart/form-data with a field `file`" }))
    : Result.succeed({ body: uploadedFile(request).body, format: Effect.succeed(known) })
}

const asActor = <A, E, R>(f: (actor: Actor) => Effect.Effect<A, E, R>) => Effect.flatMap(CurrentActor, f)
const collectionOf = (id: string | null | undefined) => Option.map(Option.fromNullishOr(id), (x) => CollectionId.make(x))

const MemoriesGroup = HttpApiBuilder.group(BrainOpsApi, "memories", (handlers) =>
  handlers
    .handle("create", ({ payload }) =>
      asActor((a) =>
        createMemory(a, {
          content: payload.content,
          title: Option.fromNullishOr(payload.title),
          tags: payload.tags,
          metadata: payload.metadata,
          memoryType: payload.memory_type,
          pinned: payload.pinned,
          collectionId: collectionOf(payload.collection_id)
        })).pipe(Effect.map(toMemoryResponse), httpErrors))
    .handle("list", ({ query }) =>
      asActor((a) =>
        listMemories(a, {
          collectionId: collectionOf(query.collection_id),
          tags: query.tag === undefined ? [] : [query.tag],
          memoryType: Option.fromNullishOr(query.memory_type),
          pinned: Option.fromNullishOr(query.pinned),
          q: Option.fromNullishOr(query.q),
          createdFrom: Option.fromNullishOr(query.created_from),
          createdTo: Option.fromNullishOr(query.created_to)
        }, toPageRequest(query))).pipe(Effect.map((page) => toPageResponse(page, toMemoryResponse)), httpErrors))
    .handle("search", ({ payload }) =>
      asActor((a) =>
        Effect.andThen(admitQuery(a, "search"), searchMemories(a, {
          query: payload.query,
          limit: payload.limit,
          mode: payload.mode,
          collectionId: collectionOf(payload.collection_id),
          tags: payload.tags
        }))).pipe(
          Effect.map((results) => new SearchResponse({ results: results.map((r) => ({ memory: toMemoryResponse(r.memory), score: r.score, snippet: r.snippet })) })),
          httpErrors
        ))
    .handle("rag", ({ payload }) =>
      asActor((a) =>
        Effect.andThen(
          admitQuery(a, "rag"),
          answerQuestion(a, { question: payload.question, limit: payload.limit, collectionId: collectionOf(payload.collection_id) })
        )).pipe(
        Effect.map((r) => new RagResponse({ answer: r.answer, citations: r.citations.map((c) => ({ memory_id: c.memoryId, snippet: c.snippet, score: c.score })) })),
        httpErrors
      ))
    .handle("createCollection", ({ payload }) => asActor((a) => createCollection(a, payload)).pipe(Effect.map(toCollectionResponse), httpErrors))
    .handle("listCollections", ({ query }) =>
      asActor((a) => listCollections(a, toPageRequest(query))).pipe(Effect.map((page) => toPageResponse(page, toCollectionResponse)), httpErrors))
    .handle("getCollection", ({ params }) => asActor((a) => getCollection(a, CollectionId.make(params.id))).pipe(Effect.map(toCollectionResponse), httpErrors))
    .handle("updateCollection", ({ params, payload }) =>
      asActor((a) =>
        updateCollection(a, CollectionId.make(params.id), { name: Option.fromNullishOr(payload.name), description: Option.fromNullishOr(payload.description) }))
        .pipe(Effect.map(toCollectionResponse), httpErrors))
    .handle("deleteCollection", ({ params, query }) =>
      asActor((a) => deleteCollection(a, CollectionId.make(params.id), query.delete_memories)).pipe(httpErrors))
    .handleRaw("import", ({ request, query }) =>
      Effect.flatMap(CurrentActor, (a): Effect.Effect<
        { readonly job_id: string },
        UnsupportedMediaType | BadRequest | PayloadTooLarge | HttpErrorOf<Forbidden | NotFound | StorageUnavailable | RateLimited | TooManyActiveJobs>,
        CollectionRepository | FileStore | Ids | JobQueue | MemoryShareRepository | MemoryLimitSettings | RateLimiter
      > =>
        Result.match(uploadOf(request, query.format), {
          onFailure: (refused) => Effect.fail(refused),
          onSuccess: (upload) =>
            // Admitted before the body is read: a refused import stores nothing and queues no job.
            Effect.andThen(
              httpErrors(admitJob(a)),
              startImport(a, { ...upload, collectionId: collectionOf(query.collection_id) }).pipe(
                Effect.map((job) => ({ job_id: job.id })),
                Effect.mapError((e) => e instanceof BadRequest || e instanceof PayloadTooLarge ? e : toHttpError(e))
              )
            )
        })))
    .handle("export", ({ payload }) =>
      asActor((a) => Effect.andThen(admitJob(a), startExport(a, { format: payload.format, collectionId: collectionOf(payload.collection_id) }))).pipe(
        Effect.map((job) => ({ job_id: job.id })),
        httpErrors
      ))
    .handle("reindex", () => asActor((a) => Effect.andThen(admitJob(a), startReindex(a))).pipe(Effect.map((job) => ({ job_id: job.id })), httpErrors))
    .handle("deduplicate", ({ payload }) =>
      asActor((a) => Effect.andThen(admitJob(a), startDeduplicate(a, payload.threshold))).pipe(Effect.map((job) => ({ job_id: job.id })), httpErrors))
    .handle("analytics", ({ query }) =>
      asActor((a) => memoryAnalytics(a, query.days)).pipe(
        Effect.map((r) =>
          new AnalyticsResponse({
            since: r.since,
            days: r.days,
            totals: {
              memories: r.totals.memories,
              collections: r.totals.collections,
              pinned: r.totals.pinned,
              shared_by_me: r.totals.sharedByMe,
              shared_with_me: r.totals.sharedWithMe,
              searches: r.totals.searches,
              rag_queries: r.totals.ragQueries
            },
            by_collection: r.byCollection.map((c) => ({ collection_id: c.collectionId, name: c.name, count: c.count })),
            by_tag: r.byTag,
            by_type: r.byType.map((t) => ({ memory_type: t.memoryType, count: t.count })),
            created_per_day: r.createdPerDay,
            queries_per_day: r.queriesPerDay.map((d) => ({ date: d.date, searches: d.searches, rag_queries: d.ragQueries })),
            top_queries: r.topQueries.map((q) => ({ query: q.query, count: q.count, last_at: q.lastAt }))
          })),
        httpErrors
      ))
    .handle("sharedWithMe", ({ query }) =>
      asActor((a) => sharedWithMe(a, toPageRequest(query))).pipe(
        Effect.map((page) =>
          toPageResponse({ ...page, items: page.items.filter((i) => Option.isSome(i.memory) || Option.isSome(i.collection)) }, (i) =>
            new SharedItemResponse({
              kind: i.share.kind,
              permission: i.share.permission,
              shared_at: i.share.createdAt,
              owner_id: Option.match(i.memory, { onSome: (m) => m.ownerId, onNone: () => Option.getOrThrow(i.collection).ownerId }),
              memory: Option.getOrNull(Option.map(i.memory, toMemoryResponse)),
              collection: Option.getOrNull(Option.map(i.collection, toCollectionResponse))
            }))),
        httpErrors
      ))
    .handle("shareCollection", ({ params, payload }) =>
      asActor((a) => shareCollection(a, params.id, payload.email, payload.permission)).pipe(Effect.map(toShareResponse), httpErrors))
    .handle("collectionShares", ({ params }) =>
      asActor((a) => collectionShares(a, params.id)).pipe(Effect.map((all) => new SharesResponse({ items: all.map(toShareResponse) })), httpErrors))
    .handle("revokeCollectionShare", ({ params }) => asActor((a) => revokeCollectionShare(a, params.id, UserId.make(params.user_id))).pipe(httpErrors))
    .handle("shareMemory", ({ params, payload }) =>
      asActor((a) => shareMemory(a, params.id, payload.email, payload.permission)).pipe(Effect.map(toShareResponse), httpErrors))
    .handle("memoryShares", ({ params }) =>
      asActor((a) => memoryShares(a, params.id)).pipe(Effect.map((all) => new SharesResponse({ items: all.map(toShareResponse) })), httpErrors))
    .handle("revokeMemoryShare", ({ params }) => asActor((a) => revokeMemoryShare(a, params.id, UserId.make(params.user_id))).pipe(httpErrors))
    .handle("get", ({ params }) => asActor((a) => getMemory(a, MemoryId.make(params.id))).pipe(Effect.map(toMemoryResponse), httpErrors))
    .handle("update", ({ params, payload }) =>
      asActor((a) =>
        updateMemory(a, MemoryId.make(params.id), {
          ...(payload.content !== undefined ? { content: payload.content } : {}),
          ...(payload.title !== undefined ? { title: Option.fromNullishOr(payload.title) } : {}),
          ...(payload.tags !== undefined ? { tags: payload.tags } : {}),
          ...(payload.metadata !== undefined ? { metadata: payload.metadata } : {}),
          ...(payload.memory_type !== undefined ? { memoryType: payload.memory_type } : {}),
          ...(payload.pinned !== undefined ? { pinned: payload.pinned } : {}),
          ...(payload.collection_id !== undefined ? { collectionId: collectionOf(payload.collection_id) } : {})
        })).pipe(Effect.map(toMemoryResponse), httpErrors))
    .handle("delete", ({ params }) => asActor((a) => deleteMemory(a, MemoryId.make(params.id))).pipe(httpErrors)))

export const MemoriesHandlers = capturingOnly(MemoriesGroup, AnswerGenerator, Authentication, CollectionRepository, Embedder, FileStore, Ids, JobQueue, MemoryAnalyticsReader, MemoryLimitSettings, MemoryRepository, MemoryShareRepository, QueryEmbedder, QueryLog, RateLimiter, UnitOfWork, UserRepository, VectorIndex)
