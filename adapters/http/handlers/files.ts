import { HttpApiBuilder } from "effect/http-api"
import { HttpServerResponse } from "effect/http"
import { Effect, Option } from "effect"
import { FileStore } from "../../../application/ports/file-store.js"
import { FileLinks } from "../../local-files/signed-links.js"
import { BrainOpsApi } from "../api.js"
import { Forbidden, NotFound, ServiceUnavailable } from "../errors.js"

const attachment = (filename: string) => `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(filename)}`

export const FilesHandlers = HttpApiBuilder.group(BrainOpsApi, "files", (handlers) =>
  handlers.handleRaw("download", ({ query }) =>
    Effect.gen(function*() {
      const link = yield* (yield* FileLinks).verify(query.file, query.expires, query.name, query.signature)
      if (Option.isNone(link)) return yield* Effect.fail(new Forbidden({ detail: "The link is invalid or has expired" }))
      const found = yield* (yield* FileStore).get(link.value.key)
      if (Option.isNone(found)) return yield* Effect.fail(new NotFound({ detail: "The file no longer exists" }))
      const { body, file } = found.value
      return HttpServerResponse.stream(body, {
        contentType: file.contentType,
        contentLength: file.size,
        headers: { "content-disposition": attachment(link.value.filename), "cache-control": "private, no-store" }
      })
    }).pipe(Effect.catchTag("StorageUnavailable", () => Effect.fail(new ServiceUnavailable({ detail: "The file store is unavailable; retry later" })))))
)
