import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, NotFound } from "./errors.js"

/** /files: downloads by signed, expiring link (the local file store); no other authentication. */
export class FilesApi extends HttpApiGroup.make("files")
  .add(
    // The file's key travels in the query: path parameters are capped at 100 characters by the router.
    HttpApiEndpoint.get("download", "/")
      .setUrlParams(Schema.Struct({
        file: Schema.String.pipe(Schema.maxLength(1000)),
        expires: Schema.NumberFromString,
        name: Schema.String.pipe(Schema.maxLength(300)),
        signature: Schema.String.pipe(Schema.maxLength(200))
      }))
      .addSuccess(Schema.Unknown)
      .annotate(OpenApi.Summary, "Download a file by the signed link a job or an order gave you (it expires)")
  )
  .addError(Forbidden)
  .addError(NotFound)
  .prefix("/api/v1/files")
{}
