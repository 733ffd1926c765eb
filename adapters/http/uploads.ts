import { type HttpServerRequest, Multipart } from "@effect/platform"
import { Chunk, Stream } from "effect"
import { BadRequest, PayloadTooLarge } from "./errors.js"

/** A body that could not be read: too large (413), or cut short or malformed (400). */
export const bodyFailure = (error: { readonly message: string; readonly cause?: unknown }): BadRequest | PayloadTooLarge =>
  `${error.message} ${error.cause instanceof Error ? error.cause.message : ""}`.includes("maxBytes")
    ? new PayloadTooLarge({ detail: "The upload is larger than MAX_UPLOAD_BYTES allows" })
    : new BadRequest({ detail: `The upload could not be read: ${error.message}` })

export interface UploadedFile {
  /** The file's bytes, streamed; fails with 400 when a multipart body has no field `file`. */
  readonly body: Stream.Stream<Uint8Array, BadRequest | PayloadTooLarge>
  /** Known once the body has been read: a multipart part names itself inside the body. */
  readonly name: () => string | undefined
  readonly contentType: () => string
}

/**
 * The file of an upload request: the multipart field `file`, or else the raw body. Nothing is held
 * in memory: the bytes stream on to wherever the caller sends them.
 */
export const uploadedFile = (request: HttpServerRequest.HttpServerRequest): UploadedFile => {
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
  if (type !== "multipart/form-data") {
    return { body: Stream.mapError(request.stream, bodyFailure), name: () => undefined, contentType: () => type || "application/octet-stream" }
  }
  let file: Multipart.File | undefined
  const body = request.multipartStream.pipe(
    // By default a part typed application/json is read as a (size-limited, in-memory) field: here
    // every part with a file name is a file, streamed.
    Stream.provideService(Multipart.FieldMimeTypes, Chunk.empty()),
    Stream.filter((part): part is Multipart.File => part._tag === "File" && part.key === "file"),
    Stream.take(1),
    Stream.flatMap((part) => {
      file = part
      return part.content
    }),
    Stream.mapError(bodyFailure),
    // No file part: the upload fails, so nothing is stored or changed.
    Stream.concat(Stream.suspend(() => (file ? Stream.empty : Stream.fail(new BadRequest({ detail: "The multipart body has no file field named `file`" })))))
  )
  return { body, name: () => file?.name, contentType: () => file?.contentType || "application/octet-stream" }
}

