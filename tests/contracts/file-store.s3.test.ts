import * as fs from "node:fs"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, Stream } from "effect"
import S3rver from "s3rver"
import { FileStore } from "../../application/ports/file-store.js"
import { FileStoreS3 } from "../../adapters/s3/file-store.s3.js"
import { fileStoreContract } from "./file-store.contract.js"
import { scratchDir } from "../support/scratch.js"

const BUCKET = "brainops-test"

/** s3rver, a real S3-compatible server on a free port, for as long as the layer lives. */
const LocalS3 = Layer.unwrap(
  Effect.gen(function*() {
    const directory = scratchDir("s3-")
    const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET, configs: [] }] })
    const address = yield* Effect.acquireRelease(Effect.promise(() => server.run()), () =>
      Effect.promise(() => server.close()).pipe(Effect.andThen(Effect.sync(() => fs.rmSync(directory, { recursive: true, force: true })))))
    return FileStoreS3({
      bucket: BUCKET,
      region: "us-east-1",
      endpoint: Option.some(`http://127.0.0.1:${address.port}`),
      forcePathStyle: true,
      credentials: Option.some({ accessKeyId: "S3RVER", secretAccessKey: Redacted.make("S3RVER") }),
      prefix: "files/"
    })
  })
)

// Through the real AWS SDK (multipart Upload, presigner) against a real S3-compatible server.
layer(LocalS3, { timeout: "60 seconds" })("S3 file store (s3rver)", (it) => {
  fileStoreContract(it, "t")

  it.effect("a presigned download URL serves the exact bytes, and a file larger than one part goes up in parts", () =>
    Effect.gen(function*() {
      const files = yield* FileStore
      const part = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) % 256)
      const stored = yield* files.put("t/large.bin", Stream.range(1, 20).pipe(Stream.map(() => part)), "application/octet-stream")
      expect(stored.size).toBe(20 * 1024 * 1024)
      const url = yield* files.downloadUrl("t/large.bin", "5 minutes", "large.bin")
      expect(url).toContain("X-Amz-Signature")
      const response = yield* Effect.promise(() => fetch(url))
      expect(response.status).toBe(200)
      const bytes = new Uint8Array(yield* Effect.promise(() => response.arrayBuffer()))
      expect(bytes.length).toBe(20 * 1024 * 1024)
      expect(Buffer.from(bytes.subarray(0, part.length)).equals(Buffer.from(part))).toBe(true)
      expect(Buffer.from(bytes.subarray(19 * part.length)).equals(Buffer.from(part))).toBe(true)
    }), 60_000)

  it.effect("a presigned GET of a seller's evil.html comes back as an attachment of type application/octet-stream, whatever was stored", () =>
    Effect.gen(function*() {
      const files = yield* FileStore
      const page = "<html><script>alert(document.domain)</script></html>"
      yield* files.put("t/evil.html", Stream.make(new TextEncoder().encode(page)), "text/html")
      const url = new URL(yield* files.downloadUrl("t/evil.html", "5 minutes", "evil.html"))
      expect(url.searchParams.get("response-content-type")).toBe("application/octet-stream")
      expect(url.searchParams.get("response-content-disposition")).toBe("attachment; filename=\"evil.html\"; filename*=UTF-8''evil.html")
      const response = yield* Effect.promise(() => fetch(url))
      expect(response.status).toBe(200)
      expect(response.headers.get("content-type")).toBe("application/octet-stream")
      expect(response.headers.get("content-disposition")).toBe("attachment; filename=\"evil.html\"; filename*=UTF-8''evil.html")
      expect(yield* Effect.promise(() => response.text())).toBe(page)
    }))
})
