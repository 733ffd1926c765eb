import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import { Schema } from "effect"
import { ApiErrors, Forbidden, NotFound } from "./errors.js"

/** /files: downloads by signed, expiring link (the local file store); no other authentication. */
export class FilesApi extends HttpApiGroup.make("files")
  .add(
    // The file's key travels in the query: path parameters are capped at 100 characters by the router.
    HttpApiEndpoint.get("download", "/", {
      query: Schema.Struct({
        file: Schema.String.pipe(Schema.check(Schema.isMaxLength(1000))),
        expires: Schema.NumberFromString,
        name: Schema.String.pipe(Schema.check(Schema.isMaxLength(300))),
        signature: Schema.String.pipe(Schema.check(Schema.isMaxLength(200))),
        /** The order a marketplace download was issued for (signed with the rest). */
        order: Schema.optional(Schema.String.pipe(Schema.check(Schema.isMaxLength(100))))
      }),
      success: Schema.Unknown,
      error: [Forbidden, NotFound, ...ApiErrors]
    }).annotate(OpenApi.Summary, "Download a file by the signed link a job or an order gave you (it expires; an order's link dies with a refund). Always an attachment, application/octet-stream")
  )
  .prefix("/api/v1/files")
{}
