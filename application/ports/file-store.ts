import { Context, type Duration, type Effect, type Option, type Stream } from "effect"
import type { StorageUnavailable } from "./errors.js"

export interface StoredFile {
  readonly key: string
  readonly size: number
  readonly contentType: string
}

/**
 * Files (uploads, exports, products' downloads) as streams: nothing holds a whole file in memory.
 * Keys are paths of letters, digits, `-`, `_`, `.` and `/`.
 */
export class FileStore extends Context.Service<FileStore, {
  /** Stores the stream under the key (replacing any file there) once the stream has ended. */
  readonly put: <E>(key: string, body: Stream.Stream<Uint8Array, E>, contentType: string) => Effect.Effect<StoredFile, E | StorageUnavailable>
  readonly stat: (key: string) => Effect.Effect<Option.Option<StoredFile>, StorageUnavailable>
  readonly get: (key: string) => Effect.Effect<Option.Option<{ readonly file: StoredFile; readonly body: Stream.Stream<Uint8Array, StorageUnavailable> }>, StorageUnavailable>
  readonly delete: (key: string) => Effect.Effect<void, StorageUnavailable>
  /** A URL anyone holding it may GET the file from, until it expires; `filename` is what a browser saves it as. */
  readonly downloadUrl: (key: string, expiresIn: Duration.Input, filename: string) => Effect.Effect<string, StorageUnavailable>
}>()("FileStore") {}

export const isValidFileKey = (key: string) => /^[A-Za-z0-9_-][A-Za-z0-9_./-]{0,500}$/.test(key) && !key.split("/").includes("..")
