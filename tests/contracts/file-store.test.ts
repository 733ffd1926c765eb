import { expect, it, layer } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { FileStoreMemory } from "../../adapters/in-memory/file-store.memory.js"
import { FileStoreLocal } from "../../adapters/local-files/file-store.local.js"
import { FileLinks, FileLinksHmac } from "../../adapters/local-files/signed-links.js"
import { OrderId } from "../../domain/marketplace/order.js"
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
    const check = (t = token!, e = Number(expires), n = name!, s = signature!) => signer.verify(t, e, n, s, Option.none())
    expect(Option.map(yield* check(), (l) => l.key)).toEqual(Option.some("exports/u1/memories.jsonl"))
    expect(yield* check(Buffer.from("exports/u2/memories.jsonl").toString("base64url"))).toEqual(Option.none())
    expect(yield* check(token, Number(expires) + 3600)).toEqual(Option.none())
    expect(yield* check(token, Number(expires), "other.jsonl")).toEqual(Option.none())
    yield* TestClock.adjust("16 minutes")
    expect(yield* check()).toEqual(Option.none())
  }).pipe(Effect.provide(links)))

it.effect("an order's download link: bound to its order, which cannot be stripped, swapped or forged into the name", () =>
  Effect.gen(function*() {
    const signer = yield* FileLinks
    yield* TestClock.setTime(Date.parse("2026-06-01T00:00:00Z"))
    const order = OrderId.make("0190a0b0-0000-7000-8000-000000000001")
    const url = new URL(yield* signer.sign("products/p1/presets.zip", "15 minutes", "presets.zip", order))
    const [token, expires, name, signature] = ["file", "expires", "name", "signature"].map((k) => url.searchParams.get(k)!)
    expect(url.searchParams.get("order")).toBe(order)
    const check = (o: Option.Option<string>, n = name!) => signer.verify(token!, Number(expires), n, signature!, o)
    expect(Option.map(yield* check(Option.some(order)), (l) => [l.key, l.order])).toEqual(Option.some(["products/p1/presets.zip", Option.some(order)]))
    // Without the order, with another, or with the order moved into the name: refused.
    expect(yield* check(Option.none())).toEqual(Option.none())
    expect(yield* check(Option.some("0190a0b0-0000-7000-8000-000000000002"))).toEqual(Option.none())
    expect(yield* check(Option.none(), `${name}\norder:${order}`)).toEqual(Option.none())
    expect(yield* check(Option.some("not-an-order"))).toEqual(Option.none())
    // An unbound link cannot be given an order either.
    const plain = new URL(yield* signer.sign("products/p1/presets.zip", "15 minutes", "presets.zip"))
    expect(yield* signer.verify(plain.searchParams.get("file")!, Number(plain.searchParams.get("expires")), "presets.zip", plain.searchParams.get("signature")!, Option.some(order)))
      .toEqual(Option.none())
  }).pipe(Effect.provide(links)))
