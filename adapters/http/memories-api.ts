import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { Schema } from "effect"
import { DEFAULT_SIMILARITY } from "../../application/memory/deduplicate.js"
import { Access } from "./access.js"
import { Authentication } from "./current-actor.js"
import { ApiErrors, BadRequest, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType } from "./errors.js"
import { JobAccepted } from "./jobs-api.js"
import {
  AnalyticsQuery,
  AnalyticsResponse,
  CollectionRequest,
  CollectionResponse,
  CreateMemoryRequest,
  DeduplicateRequest,
  DeleteCollectionQuery,
  ExportRequest,
  ImportQuery,
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
const IdPath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()) })
const SharePath = Schema.Struct({ id: Schema.String.check(Schema.isUUID()), user_id: Schema.String.check(Schema.isUUID()) })
const ListQuery = Schema.Struct({ ...PageQuery.fields, ...MemoryListQuery.fields })
const error = [BadRequest, NotFound, Forbidden, PayloadTooLarge, ...ApiErrors] as const
const Accepted = JobAccepted.pipe(HttpApiSchema.status(202))

/** /memories: the caller's memories and collections, and those shared with them. */
export class MemoriesApi extends HttpApiGroup.make("memories")
  .add(
    HttpApiEndpoint.post("create", "/", { payload: CreateMemoryRequest, success: MemoryResponse.pipe(HttpApiSchema.status(201)), error })
      .annotate(Access, write).annotate(OpenApi.Summary, "Create a memory; it is embedded and indexed before this answers"),
    HttpApiEndpoint.get("list", "/", { query: ListQuery, success: PageOf(MemoryResponse), error })
      .annotate(Access, read).annotate(OpenApi.Summary, "Your memories, newest first, filtered"),
    HttpApiEndpoint.post("search", "/search", { payload: SearchRequest, success: SearchResponse, error })
      .annotate(Access, read).annotate(OpenApi.Summary, "Ranked search: hybrid (default), vector or keyword"),
    HttpApiEndpoint.post("rag", "/rag", { payload: RagRequest, success: RagResponse, error })
      .annotate(Access, read).annotate(OpenApi.Summary, "Answer a question from your memories only, with citations; says so when nothing is relevant"),
    HttpApiEndpoint.post("createCollection", "/collections", {
      payload: CollectionRequest,
      success: CollectionResponse.pipe(HttpApiSchema.status(201)),
      error
    }).annotate(Access, write).annotate(OpenApi.Summary, "Create a collection"),
    HttpApiEndpoint.get("listCollections", "/collections", { query: PageQuery, success: PageOf(CollectionResponse), error })
      .annotate(Access, read).annotate(OpenApi.Summary, "Your collections"),
    HttpApiEndpoint.get("getCollection", "/collections/:id", { params: IdPath, success: CollectionResponse, error })
      .annotate(Access, read).annotate(OpenApi.Summary, "A collection"),
    HttpApiEndpoint.patch("updateCollection", "/collections/:id", { params: IdPath, payload: UpdateCollectionRequest, success: CollectionResponse, error })
      .annotate(Access, write).annotate(OpenApi.Summary, "Rename or describe a collection"),
    HttpApiEndpoint.delete("deleteCollection", "/collections/:id", {
      params: IdPath,
      query: DeleteCollectionQuery,
      success: HttpApiSchema.NoContent,
      error
    }).annotate(Access, write).annotate(OpenApi.Summary, "Delete a collection; ?delete_memories=true deletes its memories too"),
    HttpApiEndpoint.post("import", "/import", { query: ImportQuery, success: Accepted, error: [UnsupportedMediaType, ...error] })
      .annotate(Access, write)
      .annotate(
        OpenApi.Summary,
        "Import memories from JSON Lines or a JSON array, as the raw body (application/x-ndjson or application/json) or a multipart field `file`; answers a job to follow"
      )
      .annotate(
        OpenApi.Description,
        "Each record: {content, title?, tags?, metadata?, memory_type?, pinned?, external_id?, created_at?}. Bad records are reported by line and skipped; records already imported (same external_id, or same content without one) are skipped, so re-running a file imports nothing twice."
      ),
    // Starting a job of any kind asks for its write scope (domain JOB_KIND_SCOPES), an export too.
    HttpApiEndpoint.post("export", "/export", { payload: ExportRequest, success: Accepted, error })
      .annotate(Access, write)
      .annotate(OpenApi.Summary, "Export your memories (optionally one collection) as JSON Lines or JSON; the finished job holds a download URL"),
    HttpApiEndpoint.post("reindex", "/reindex", { success: Accepted, error })
      .annotate(Access, write)
      .annotate(OpenApi.Summary, "Re-embed your memories with the configured model (a job; search keeps working meanwhile)"),
    HttpApiEndpoint.post("deduplicate", "/deduplicate", { payload: DeduplicateRequest, success: Accepted, error })
      .annotate(Access, write)
      .annotate(
        OpenApi.Summary,
        `Merge your exact duplicates (same content) and near duplicates (similarity >= threshold, default ${DEFAULT_SIMILARITY}) into the oldest of each group; the job reports what merged`
      ),
    HttpApiEndpoint.get("analytics", "/analytics", { query: AnalyticsQuery, success: AnalyticsResponse, error })
      .annotate(Access, read)
      .annotate(
        OpenApi.Summary,
        "Your memory figures: totals, per collection, tag and type, created per day, searches and questions per day, your top queries (?days=1..365, default 30)"
      ),
    HttpApiEndpoint.get("sharedWithMe", "/shared-with-me", { query: PageQuery, success: PageOf(SharedItemResponse), error })
      .annotate(Access, read).annotate(OpenApi.Summary, "Memories and collections others shared with you, newest share first"),
    HttpApiEndpoint.post("shareCollection", "/collections/:id/shares", {
      params: IdPath,
      payload: ShareRequest,
      success: ShareResponse.pipe(HttpApiSchema.status(201)),
      error
    })
      .annotate(Access, write)
      .annotate(OpenApi.Summary, "Share a collection (and every memory in it) with a user, to read or to edit; sharing again changes the permission"),
    HttpApiEndpoint.get("collectionShares", "/collections/:id/shares", { params: IdPath, success: SharesResponse, error })
      .annotate(Access, read).annotate(OpenApi.Summary, "Who your collection is shared with (owner only)"),
    HttpApiEndpoint.delete("revokeCollectionShare", "/collections/:id/shares/:user_id", { params: SharePath, success: HttpApiSchema.NoContent, error })
      .annotate(Access, write).annotate(OpenApi.Summary, "Stop sharing a collection with a user"),
    HttpApiEndpoint.post("shareMemory", "/:id/shares", {
      params: IdPath,
      payload: ShareRequest,
      success: ShareResponse.pipe(HttpApiSchema.status(201)),
      error
    }).annotate(Access, write).annotate(OpenApi.Summary, "Share a memory with a user, to read or to edit; sharing again changes the permission"),
    HttpApiEndpoint.get("memoryShares", "/:id/shares", { params: IdPath, success: SharesResponse, error })
      .annotate(Access, read).annotate(OpenApi.Summary, "Who your memory is shared with (owner only)"),
    HttpApiEndpoint.delete("revokeMemoryShare", "/:id/shares/:user_id", { params: SharePath, success: HttpApiSchema.NoContent, error })
      .annotate(Access, write).annotate(OpenApi.Summary, "Stop sharing a memory with a user"),
    HttpApiEndpoint.get("get", "/:id", { params: IdPath, success: MemoryResponse, error })
      .annotate(Access, read).annotate(OpenApi.Summary, "A memory"),
    HttpApiEndpoint.patch("update", "/:id", { params: IdPath, payload: UpdateMemoryRequest, success: MemoryResponse, error })
      .annotate(Access, write).annotate(OpenApi.Summary, "Edit a memory (re-indexed before this answers)"),
    HttpApiEndpoint.delete("delete", "/:id", { params: IdPath, success: HttpApiSchema.NoContent, error })
      .annotate(Access, write).annotate(OpenApi.Summary, "Delete a memory (gone from search at once)")
  )
  .middleware(Authentication)
  .prefix("/api/v1/memories")
{}
