import { expect, it, layer } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { FileStoreLocal } from "../../adapters/local-files/file-store.local.js"
import { FileLinks, FileLinksHmac } from "../../adapters/local-files/signed-links.js"
import { fileStoreContract } from "./file-store.contract.js"
import { scratchDir } from "../support/scratch.js"

const links = FileLinksHmac({ secret: Redacted.make("file-link-test-secret-0123456789"), publicBaseUrl: "https://api.example.com" })
const root = scratchDir("files-")

layer(FileStoreMemory)("in-memory file store", (it) => fileStoreContract(it, "t"))
layer(FileStoreLocal(root).pipe(Layer.provide(links)))("local folder file store", (it) => fileStoreContract(it, "t"))

it.effect("local download links: signed, expiring, and refused once altered", () =>
  Effect.gen(function*() {
    const signer = yield* FileLinks
    yield* TestClock.setTime(Date.parse("2026-06-01T00:00:00Z"))
    const url = new URL(yield* signer.sign("exports/u1/memories.jsonl", "15 minutes", "memories.jsonl"))
    expect(url.origin).toBe("https://api.example.com")
    expect(url.pathname).toBe("/api/v1/files")
    const [token, expires, name, signature] = ["file", "expires", "name", "signature"].map((k) => url.searchParams.get(k)!)
    const check = (t = token!, e = Number(expires), n = name!, s = signature!) => signer.verify(t, e, n, s)
    expect(Option.map(yield* check(), (l) => l.key)).toEqual(Option.some("exports/u1/memories.jsonl"))
    expect(yield* check(Buffer.from("exports/u2/memories.jsonl").toString("base64url"))).toEqual(Option.none())
    expect(yield* check(token, Number(expires) + 3600)).toEqual(Option.none())
    expect(yield* check(token, Number(expires), "other.jsonl")).toEqual(Option.none())
    yield* TestClock.adjust("16 minutes")
    expect(yield* check()).toEqual(Option.none())
  }).pipe(Effect.provide(links)))
