import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { BadRequest, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType } from "./errors.js"
import { JobAccepted } from "./jobs-api.js"
import {
  AnalyticsQuery,
  ExportRequest,
  ImportQuery,
  AnalyticsResponse,
  CollectionRequest,
  DeduplicateRequest,
  CollectionResponse,
  CreateMemoryRequest,
  DeleteCollectionQuery,
  MemoryListQuery,
  MemoryResponse,
  RagRequest,
  RagResponse,
  SearchRequest,
  SearchResponse,
  SharedItemResponse,
  ShareRequest,
  ShareResponse,
  SharesResponse,
  UpdateCollectionRequest,
  UpdateMemoryRequest
} from "./memory-schemas.js"
import { PageOf, PageQuery } from "./pagination.js"

const read = Access.scope("memories:read")
const write = Access.scope("memories:write")
const IdPath = Schema.Struct({ id: Schema.UUID })
const SharePath = Schema.Struct({ id: Schema.UUID, user_id: Schema.UUID })
const ListQuery = Schema.Struct({ ...PageQuery.fields, ...MemoryListQuery.fields }).annotations({ parseOptions: { errors: "all" } })

/** /memories: the caller's memories and collections, and those shared with them. */
export class MemoriesApi extends HttpApiGroup.make("memories")
  .add(HttpApiEndpoint.post("create", "/").setPayload(CreateMemoryRequest).addSuccess(MemoryResponse, { status: 201 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Create a memory; it is embedded and indexed before this answers"))
  .add(HttpApiEndpoint.get("list", "/").setUrlParams(ListQuery).addSuccess(PageOf(MemoryResponse))
    .annotate(Access, read).annotate(OpenApi.Summary, "Your memories, newest first, filtered"))
  .add(HttpApiEndpoint.post("search", "/search").setPayload(SearchRequest).addSuccess(SearchResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "Ranked search: hybrid (default), vector or keyword"))
  .add(HttpApiEndpoint.post("rag", "/rag").setPayload(RagRequest).addSuccess(RagResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "Answer a question from your memories only, with citations; says so when nothing is relevant"))
  .add(HttpApiEndpoint.post("createCollection", "/collections").setPayload(CollectionRequest).addSuccess(CollectionResponse, { status: 201 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Create a collection"))
  .add(HttpApiEndpoint.get("listCollections", "/collections").setUrlParams(PageQuery).addSuccess(PageOf(CollectionResponse))
    .annotate(Access, read).annotate(OpenApi.Summary, "Your collections"))
  .add(HttpApiEndpoint.get("getCollection", "/collections/:id").setPath(IdPath).addSuccess(CollectionResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "A collection"))
  .add(HttpApiEndpoint.patch("updateCollection", "/collections/:id").setPath(IdPath).setPayload(UpdateCollectionRequest).addSuccess(CollectionResponse)
    .annotate(Access, write).annotate(OpenApi.Summary, "Rename or describe a collection"))
  .add(HttpApiEndpoint.del("deleteCollection", "/collections/:id").setPath(IdPath).setUrlParams(DeleteCollectionQuery).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete a collection; ?delete_memories=true deletes its memories too"))
  .add(HttpApiEndpoint.post("import", "/import").setUrlParams(ImportQuery).addSuccess(JobAccepted, { status: 202 })
    .addError(UnsupportedMediaType)
    .annotate(Access, write).annotate(OpenApi.Summary, "Import memories from JSON Lines or a JSON array, as the raw body (application/x-ndjson or application/json) or a multipart field `file`; answers a job to follow")
    .annotate(OpenApi.Description, "Each record: {content, title?, tags?, metadata?, memory_type?, pinned?, external_id?, created_at?}. Bad records are reported by line and skipped; records already imported (same external_id, or same content without one) are skipped, so re-running a file imports nothing twice."))
  .add(HttpApiEndpoint.post("export", "/export").setPayload(ExportRequest).addSuccess(JobAccepted, { status: 202 })
    .annotate(Access, read).annotate(OpenApi.Summary, "Export your memories (optionally one collection) as JSON Lines or JSON; the finished job holds a download URL"))
  .add(HttpApiEndpoint.post("reindex", "/reindex").addSuccess(JobAccepted, { status: 202 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Re-embed your memories with the configured model (a job; search keeps working meanwhile)"))
  .add(HttpApiEndpoint.post("deduplicate", "/deduplicate").setPayload(DeduplicateRequest).addSuccess(JobAccepted, { status: 202 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Merge your exact duplicates (same content) and near duplicates (similarity >= threshold, default 0.95) into the oldest of each group; the job reports what merged"))
  .add(HttpApiEndpoint.get("analytics", "/analytics").setUrlParams(AnalyticsQuery).addSuccess(AnalyticsResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "Your memory figures: totals, per collection, tag and type, created per day, searches and questions per day, your top queries (?days=1..365, default 30)"))
  .add(HttpApiEndpoint.get("sharedWithMe", "/shared-with-me").setUrlParams(PageQuery).addSuccess(PageOf(SharedItemResponse))
    .annotate(Access, read).annotate(OpenApi.Summary, "Memories and collections others shared with you, newest share first"))
  .add(HttpApiEndpoint.post("shareCollection", "/collections/:id/shares").setPath(IdPath).setPayload(ShareRequest).addSuccess(ShareResponse, { status: 201 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Share a collection (and every memory in it) with a user, to read or to edit; sharing again changes the permission"))
  .add(HttpApiEndpoint.get("collectionShares", "/collections/:id/shares").setPath(IdPath).addSuccess(SharesResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "Who your collection is shared with (owner only)"))
  .add(HttpApiEndpoint.del("revokeCollectionShare", "/collections/:id/shares/:user_id").setPath(SharePath).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Stop sharing a collection with a user"))
  .add(HttpApiEndpoint.post("shareMemory", "/:id/shares").setPath(IdPath).setPayload(ShareRequest).addSuccess(ShareResponse, { status: 201 })
    .annotate(Access, write).annotate(OpenApi.Summary, "Share a memory with a user, to read or to edit; sharing again changes the permission"))
  .add(HttpApiEndpoint.get("memoryShares", "/:id/shares").setPath(IdPath).addSuccess(SharesResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "Who your memory is shared with (owner only)"))
  .add(HttpApiEndpoint.del("revokeMemoryShare", "/:id/shares/:user_id").setPath(SharePath).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Stop sharing a memory with a user"))
  .add(HttpApiEndpoint.get("get", "/:id").setPath(IdPath).addSuccess(MemoryResponse)
    .annotate(Access, read).annotate(OpenApi.Summary, "A memory"))
  .add(HttpApiEndpoint.patch("update", "/:id").setPath(IdPath).setPayload(UpdateMemoryRequest).addSuccess(MemoryResponse)
    .annotate(Access, write).annotate(OpenApi.Summary, "Edit a memory (re-indexed before this answers)"))
  .add(HttpApiEndpoint.del("delete", "/:id").setPath(IdPath).addSuccess(HttpApiSchema.NoContent)
    .annotate(Access, write).annotate(OpenApi.Summary, "Delete a memory (gone from search at once)"))
  .addError(BadRequest)
  .addError(NotFound)
  .addError(Forbidden)
  .addError(PayloadTooLarge)
  .middleware(Authentication)
  .prefix("/api/v1/memories")
{}
