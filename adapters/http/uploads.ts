import { HttpIncomingMessage, HttpServerError, type HttpServerRequest, Multipart } from "effect/http"
import { ByteSize, Effect, Stream } from "effect"
import { BadRequest, PayloadTooLarge } from "./errors.js"

const tooLarge = () => new PayloadTooLarge({ detail: "The upload is larger than MAX_UPLOAD_BYTES allows" })

/** A body that could not be read: too large (413), or cut short or malformed (400). */
const bodyFailure = (error: HttpServerError.HttpServerError | Multipart.MultipartError): BadRequest | PayloadTooLarge => {
  const overLimit = HttpServerError.isHttpServerError(error)
    ? error.reason._tag === "RequestParseError" && error.reason.reason === "BodyTooLarge"
    : ["BodyTooLarge", "FileTooLarge", "FieldTooLarge", "TooManyParts"].includes(error.reason._tag)
  return overLimit ? tooLarge() : new BadRequest({ detail: `The upload could not be read: ${error.message}` })
}

/**
 * The request's raw body as it streams in, refused past the request's body limit (`MaxBodySize`,
 * set per route by the server middleware): the platform counts no bytes on a streamed body.
 */
const limited = (body: Stream.Stream<Uint8Array, BadRequest | PayloadTooLarge>) =>
  Stream.unwrap(Effect.gen(function*() {
    const limit = yield* HttpIncomingMessage.MaxBodySize
    if (limit === undefined) return body
    const max = ByteSize.toNumberUnsafe(limit)
    let read = 0
    return Stream.mapArrayEffect(body, (chunks) => {
      for (const chunk of chunks) read += chunk.length
      return read > max ? Effect.fail(tooLarge()) : Effect.succeed(chunks)
    })
  }))

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
    return {
      body: limited(Stream.mapError(request.stream, bodyFailure)),
      name: () => undefined,
      contentType: () => type || "application/octet-stream"
    }
  }
  let file: Multipart.File | undefined
  const body = request.multipartStream.pipe(
    // By default a part typed application/json is read as a (size-limited, in-memory) field: here
    // every part with a file name is a file, streamed.
    Stream.provideService(Multipart.FieldMimeTypes, []),
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
