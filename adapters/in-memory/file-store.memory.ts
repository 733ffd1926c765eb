import { Effect, Layer, Option, Ref, Stream } from "effect"
import { FileStore, isValidFileKey } from "../../application/ports/file-store.js"

/** For tests only: files as byte arrays; download URLs are `memory://` and lead nowhere. */
export const FileStoreMemory = Layer.effect(
  FileStore,
  Effect.gen(function*() {
    const files = yield* Ref.make(new Map<string, { bytes: Uint8Array; contentType: string }>())
    const check = (key: string) => isValidFileKey(key) ? Effect.void : Effect.die(new Error(`invalid file key ${JSON.stringify(key)}`))
    const info = (key: string, f: { bytes: Uint8Array; contentType: string }) => ({ key, size: f.bytes.length, contentType: f.contentType })
    return FileStore.of({
      put: (key, body, contentType) =>
        Effect.gen(function*() {
          yield* check(key)
          const chunks = yield* Stream.runCollect(body)
          const bytes = Buffer.concat(chunks)
          yield* Ref.update(files, (all) => new Map(all).set(key, { bytes, contentType }))
          return { key, size: bytes.length, contentType }
        }),
      stat: (key) => Effect.map(Ref.get(files), (all) => Option.map(Option.fromNullishOr(all.get(key)), (f) => info(key, f))),
      get: (key) =>
        Effect.map(Ref.get(files), (all) =>
          Option.map(Option.fromNullishOr(all.get(key)), (f) => ({ file: info(key, f), body: Stream.make(f.bytes) }))),
      delete: (key) =>
        Ref.update(files, (all) => {
          const rest = new Map(all)
          rest.delete(key)
          return rest
        }),
      downloadUrl: (key) => Effect.succeed(`memory://${key}`)
    })
  })
)
