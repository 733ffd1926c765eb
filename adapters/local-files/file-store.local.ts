import * as fs from "node:fs"
import * as path from "node:path"
import * as NodeStream from "@effect/platform-node/NodeStream"
import { Effect, Layer, Option, Stream } from "effect"
import { StorageUnavailable } from "../../application/ports/errors.js"
import { FileStore, isValidFileKey, type StoredFile } from "../../application/ports/file-store.js"
import { FileLinks } from "./signed-links.js"

const unavailable = (what: string) => (cause: unknown) => new StorageUnavailable({ message: `local file store: ${what}: ${String(cause)}` })

/**
 * Files in a local folder (the embedded profile). A file is written to a temporary name and renamed
 * into place when complete, so a reader never sees half a file; its content type sits beside it.
 * Download links are signed URLs served by the API itself.
 */
export const FileStoreLocal = (root: string) =>
  Layer.effect(
    FileStore,
    Effect.gen(function*() {
      const links = yield* FileLinks
      yield* Effect.try({ try: () => fs.mkdirSync(root, { recursive: true }), catch: unavailable("create folder") }).pipe(Effect.orDie)
      const pathOf = (key: string) =>
        isValidFileKey(key) ? Effect.succeed(path.join(root, key)) : Effect.die(new Error(`invalid file key ${JSON.stringify(key)}`))
      const stat = (key: string) =>
        Effect.flatMap(pathOf(key), (file) =>
          Effect.tryPromise({
            try: async (): Promise<Option.Option<StoredFile>> => {
              try {
                const [info, meta] = await Promise.all([fs.promises.stat(file), fs.promises.readFile(`${file}.meta.json`, "utf8")])
                return Option.some({ key, size: info.size, contentType: (JSON.parse(meta) as { contentType: string }).contentType })
              } catch (error) {
                if ((error as NodeJS.ErrnoException).code === "ENOENT") return Option.none()
                throw error
              }
            },
            catch: unavailable("stat")
          }))
      return FileStore.of({
        put: (key, body, contentType) =>
          Effect.gen(function*() {
            const file = yield* pathOf(key)
            const temp = `${file}.${process.pid}.${Date.now()}.part`
            yield* Effect.tryPromise({ try: () => fs.promises.mkdir(path.dirname(file), { recursive: true }), catch: unavailable("mkdir") })
            const out = fs.createWriteStream(temp)
            const write = (chunk: Uint8Array) =>
              Effect.callback<void, StorageUnavailable>((resume) => {
                out.write(chunk, (error) => resume(error ? Effect.fail(unavailable("write")(error)) : Effect.void))
              })
            const close = Effect.callback<void, StorageUnavailable>((resume) => {
              out.end((error?: Error | null) => resume(error ? Effect.fail(unavailable("close")(error)) : Effect.void))
            })
            yield* Stream.runForEach(body, write).pipe(
              Effect.andThen(close),
              // A failed or interrupted upload leaves nothing behind.
              Effect.onError(() => Effect.andThen(Effect.sync(() => out.destroy()), Effect.promise(() => fs.promises.rm(temp, { force: true }))))
            )
            yield* Effect.tryPromise({
              try: async () => {
                await fs.promises.writeFile(`${file}.meta.json`, JSON.stringify({ contentType }))
                await fs.promises.rename(temp, file)
              },
              catch: unavailable("finish")
            })
            const size = (yield* Effect.tryPromise({ try: () => fs.promises.stat(file), catch: unavailable("stat") })).size
            return { key, size, contentType }
          }),
        stat,
        get: (key) =>
          Effect.flatMap(stat(key), (found) =>
            Effect.map(pathOf(key), (file) =>
              Option.map(found, (info) => ({
                file: info,
                body: NodeStream.fromReadable({ evaluate: () => fs.createReadStream(file), onError: unavailable("read") })
              })))),
        delete: (key) =>
          Effect.flatMap(pathOf(key), (file) =>
            Effect.tryPromise({
              try: () => Promise.all([fs.promises.rm(file, { force: true }), fs.promises.rm(`${file}.meta.json`, { force: true })]),
              catch: unavailable("delete")
            })).pipe(Effect.asVoid),
        downloadUrl: (key, expiresIn, filename) => links.sign(key, expiresIn, filename)
      })
    })
  )
