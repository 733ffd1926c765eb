import { describe, expect, type Vitest } from "@effect/vitest"
import { Effect, Option, Stream } from "effect"
import { FileStore } from "../../application/ports/file-store.js"

const text = (s: string) => new TextEncoder().encode(s)
const readAll = (body: Stream.Stream<Uint8Array, unknown>) =>
  Effect.map(Stream.runCollect(body), (chunks) => Buffer.concat(chunks))

/** What every FileStore adapter must do. */
export const fileStoreContract = (it: Vitest.MethodsNonLive<FileStore>, prefix: string) =>
  describe("FileStore contract", () => {
    it.effect("stores a stream, reports its size and type, streams it back, replaces and deletes it", () =>
      Effect.gen(function*() {
        const files = yield* FileStore
        const key = `${prefix}/a/notes.jsonl`
        const stored = yield* files.put(key, Stream.make(text("{\"a\":1}\n"), text("{\"b\":2}\n")), "application/x-ndjson")
        expect(stored).toEqual({ key, size: 16, contentType: "application/x-ndjson" })
        expect(yield* files.stat(key)).toEqual(Option.some(stored))
        const found = Option.getOrThrow(yield* files.get(key))
        expect((yield* readAll(found.body)).toString()).toBe("{\"a\":1}\n{\"b\":2}\n")
        yield* files.put(key, Stream.make(text("x")), "text/plain")
        expect(Option.map(yield* files.stat(key), (f) => [f.size, f.contentType])).toEqual(Option.some([1, "text/plain"]))
        yield* files.delete(key)
        expect(yield* files.get(key)).toEqual(Option.none())
        yield* files.delete(key)
      }))

    it.effect("streams a file of many chunks through, byte for byte", () =>
      Effect.gen(function*() {
        const files = yield* FileStore
        const key = `${prefix}/big.bin`
        const chunk = (i: number) => new Uint8Array(64 * 1024).map((_, j) => (i * 31 + j) % 251)
        const stored = yield* files.put(key, Stream.range(0, 79).pipe(Stream.map(chunk)), "application/octet-stream")
        expect(stored.size).toBe(80 * 64 * 1024)
        const back = yield* readAll(Option.getOrThrow(yield* files.get(key)).body)
        expect(back.equals(Buffer.concat(Array.from({ length: 80 }, (_, i) => chunk(i))))).toBe(true)
      }))

    it.effect("a stream that fails stores nothing", () =>
      Effect.gen(function*() {
        const files = yield* FileStore
        const key = `${prefix}/broken.txt`
        const failed = yield* Effect.result(files.put(key, Stream.concat(Stream.make(text("half")), Stream.fail("client went away")), "text/plain"))
        expect(failed._tag).toBe("Failure")
        expect(yield* files.stat(key)).toEqual(Option.none())
      }))

    it.effect("gives a download URL", () =>
      Effect.gen(function*() {
        const files = yield* FileStore
        yield* files.put(`${prefix}/report.json`, Stream.make(text("[]")), "application/json")
        expect(yield* files.downloadUrl(`${prefix}/report.json`, "5 minutes", "report.json")).toMatch(/report/)
      }))
  })
