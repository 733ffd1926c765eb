import { HttpApiBuilder } from "effect/http-api"
import { HttpServerResponse } from "effect/http"
import { Effect, Option } from "effect"
import { orderStillGrantsDownload } from "../../../application/marketplace/orders.js"
import { FileLinks } from "../../../application/ports/file-links.js"
import { FileStore } from "../../../application/ports/file-store.js"
import { DOWNLOAD_CONTENT_TYPE, downloadHeaders } from "../../files/delivery.js"
import { BrainOpsApi } from "../api.js"
import { Forbidden, NotFound, ServiceUnavailable } from "../errors.js"
import { capturingOnly } from "../captured-context.js"
import { OrderRepository } from "../../../application/ports/orders.js"

const FilesGroup = HttpApiBuilder.group(BrainOpsApi, "files", (handlers) =>
  handlers.handleRaw("download", ({ query }) =>
    Effect.gen(function*() {
      const link = yield* (yield* FileLinks).verify(query.file, query.expires, query.name, query.signature, Option.fromNullishOr(query.order))
      if (Option.isNone(link)) return yield* Effect.fail(new Forbidden({ detail: "The link is invalid or has expired" }))
      // A marketplace download works only while its order is paid: a refund ends every link issued for it.
      const order = link.value.order
      if (Option.isSome(order) && !(yield* orderStillGrantsDownload(order.value))) {
        return yield* Effect.fail(new NotFound({ detail: "The file is no longer available: the order of this link is not paid (refunded)" }))
      }
      const found = yield* (yield* FileStore).get(link.value.key)
      if (Option.isNone(found)) return yield* Effect.fail(new NotFound({ detail: "The file no longer exists" }))
      const { body, file } = found.value
      return HttpServerResponse.stream(body, {
        contentType: DOWNLOAD_CONTENT_TYPE,
        contentLength: file.size,
        headers: downloadHeaders(link.value.filename)
      })
    }).pipe(Effect.catchTag("StorageUnavailable", () => Effect.fail(new ServiceUnavailable({ detail: "The file store is unavailable; retry later" })))))
)

export const FilesHandlers = capturingOnly(FilesGroup, FileLinks, FileStore, OrderRepository)
