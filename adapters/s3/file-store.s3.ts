import { Readable } from "node:stream"
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { Upload } from "@aws-sdk/lib-storage"
import { getSignedUrl } from "@aws-sdk/s3-request-presigner"
import * as NodeStream from "@effect/platform-node/NodeStream"
import { Data, Duration, Effect, Layer, Option, Redacted, Stream } from "effect"
import { StorageUnavailable } from "../../application/ports/errors.js"
import { FileStore, isValidFileKey, type StoredFile } from "../../application/ports/file-store.js"
import { attachmentDisposition, DOWNLOAD_CONTENT_TYPE } from "../files/delivery.js"

export interface S3Options {
  readonly bucket: string
  readonly region: string
  /** An S3-compatible endpoint (MinIO, R2, s3rver…); none for AWS itself. */
  readonly endpoint: Option.Option<string>
  readonly forcePathStyle: boolean
  /** Static credentials; none for the SDK's default chain (environment, profile, instance role). */
  readonly credentials: Option.Option<{ readonly accessKeyId: string; readonly secretAccessKey: Redacted.Redacted<string> }>
  /** Prepended to every key, to share a bucket. */
  readonly prefix: string
}

/** The caller's own stream failure, carried through the SDK's upload unchanged. */
class SourceFailed<E> extends Data.TaggedError("SourceFailed")<{ readonly error: E }> {}

const unavailable = (what: string) => (cause: unknown) => new StorageUnavailable({ message: `S3 ${what} failed: ${String(cause)}` })
const isMissing = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } }
  return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404
}

/**
 * Files in an S3 bucket. Uploads stream through the SDK's multipart Upload (8 MiB parts, two in
 * flight), so a file of any size passes with bounded memory; downloads stream the object's body;
 * download links are presigned GETs. Checksums are calculated only when an operation requires them:
 * otherwise a streamed PutObject is sent aws-chunked, which S3-compatible stores may keep with its
 * framing, and presigned URLs carry an empty-body checksum (see STACK.md).
 */
export const FileStoreS3 = (options: S3Options) =>
  Layer.effect(
    FileStore,
    Effect.gen(function*() {
      const client = yield* Effect.acquireRelease(
        Effect.sync(() =>
          new S3Client({
            region: options.region,
            forcePathStyle: options.forcePathStyle,
            requestChecksumCalculation: "WHEN_REQUIRED",
            responseChecksumValidation: "WHEN_REQUIRED",
            ...Option.match(options.endpoint, { onNone: () => ({}), onSome: (endpoint) => ({ endpoint }) }),
            ...Option.match(options.credentials, {
              onNone: () => ({}),
              onSome: (c) => ({ credentials: { accessKeyId: c.accessKeyId, secretAccessKey: Redacted.value(c.secretAccessKey) } })
            })
          })
        ),
        (c) => Effect.sync(() => c.destroy())
      )
      const objectKey = (key: string) =>
        isValidFileKey(key) ? Effect.succeed(`${options.prefix}${key}`) : Effect.die(new Error(`invalid file key ${JSON.stringify(key)}`))
      const stat = (key: string) =>
        Effect.flatMap(objectKey(key), (Key) =>
          Effect.tryPromise({
            try: async (): Promise<Option.Option<StoredFile>> => {
              try {
                const head = await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key }))
                return Option.some({ key, size: Number(head.ContentLength ?? 0), contentType: head.ContentType ?? "application/octet-stream" })
              } catch (error) {
                if (isMissing(error)) return Option.none()
                throw error
              }
            },
            catch: unavailable("head")
          }))
      return FileStore.of({
        put: <E>(key: string, body: Stream.Stream<Uint8Array, E>, contentType: string) =>
          Effect.gen(function*() {
            const Key = yield* objectKey(key)
            let size = 0
            const source = Readable.from(
              yield* Stream.toAsyncIterableEffect(
                body.pipe(
                  Stream.tap((chunk) => Effect.sync(() => (size += chunk.length))),
                  Stream.mapError((error) => new SourceFailed({ error }))
                )
              )
            )
            yield* Effect.tryPromise({
              try: (signal) => {
                const upload = new Upload({
                  client,
                  params: { Bucket: options.bucket, Key, Body: source, ContentType: contentType },
                  partSize: 8 * 1024 * 1024,
                  queueSize: 2,
                  leavePartsOnError: false
                })
                signal.addEventListener("abort", () => void upload.abort())
                return upload.done()
              },
              catch: (cause) => cause
            }).pipe(
              Effect.catch((cause): Effect.Effect<never, E | StorageUnavailable> => {
                const failed = [cause, (cause as { cause?: unknown }).cause].find((c) => c instanceof SourceFailed) as SourceFailed<E> | undefined
                return failed !== undefined ? Effect.fail(failed.error) : Effect.fail(unavailable("upload")(cause))
              })
            )
            return { key, size, contentType }
          }),
        stat,
        get: (key) =>
          Effect.flatMap(objectKey(key), (Key) =>
            Effect.tryPromise({
              try: async () => {
                try {
                  return Option.some(await client.send(new GetObjectCommand({ Bucket: options.bucket, Key })))
                } catch (error) {
                  if (isMissing(error)) return Option.none()
                  throw error
                }
              },
              catch: unavailable("get")
            }).pipe(
              Effect.map(Option.map((object) => ({
                file: { key, size: Number(object.ContentLength ?? 0), contentType: object.ContentType ?? "application/octet-stream" },
                body: NodeStream.fromReadable({ evaluate: () => object.Body as Readable, onError: unavailable("read") })
              })))
            )),
        delete: (key) =>
          Effect.flatMap(objectKey(key), (Key) =>
            Effect.tryPromise({ try: () => client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key })), catch: unavailable("delete") })).pipe(
            Effect.asVoid
          ),
        downloadUrl: (key, expiresIn, filename) =>
          Effect.flatMap(objectKey(key), (Key) =>
            Effect.tryPromise({
              try: () =>
                getSignedUrl(
                  client,
                  new GetObjectCommand({
                    Bucket: options.bucket,
                    Key,
                    // Served from the bucket's origin, but still never rendered: see adapters/files/delivery.ts.
                    ResponseContentDisposition: attachmentDisposition(filename),
                    ResponseContentType: DOWNLOAD_CONTENT_TYPE,
                    ResponseCacheControl: "private, no-store"
                  }),
                  { expiresIn: Math.max(1, Math.round(Duration.toSeconds(expiresIn))) }
                ),
              catch: unavailable("presign")
            }))
      })
    })
  )
