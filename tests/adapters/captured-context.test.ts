// What a handler group captures (adapters/http/captured-context.ts): only the services it names, so
// that the context merged into every request is small; the rest of the application stays out of it.
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { capturingOnly, contextOf } from "../../adapters/http/captured-context.js"

class Used extends Context.Service<Used, { readonly n: number }>()("test/Used") {}
class AlsoUsed extends Context.Service<AlsoUsed, { readonly s: string }>()("test/AlsoUsed") {}
class Unrelated extends Context.Service<Unrelated, { readonly b: boolean }>()("test/Unrelated") {}
class Captured extends Context.Service<Captured, { readonly keys: ReadonlyArray<string> }>()("test/Captured") {}

// Like HttpApiBuilder.group: the layer keeps the context it was built in.
const Capturing = Layer.effect(
  Captured,
  Effect.map(Effect.context<Used | AlsoUsed>(), (context) => Captured.of({ keys: [...context.mapUnsafe.keys()] }))
)

const App = Layer.mergeAll(
  Layer.succeed(Used, Used.of({ n: 1 })),
  Layer.succeed(AlsoUsed, AlsoUsed.of({ s: "a" })),
  Layer.succeed(Unrelated, Unrelated.of({ b: true }))
)

describe("capturingOnly", () => {
  it.effect("builds the layer in a context of the listed services and nothing else", () =>
    Effect.gen(function*() {
      // The layer machinery adds its own (the memo map, the layer's scope): of the application's, only those listed.
      const keys = (yield* Captured).keys.filter((key) => !key.startsWith("effect/")).sort()
      expect(keys).toEqual(["test/AlsoUsed", "test/Used"])
    }).pipe(Effect.provide(capturingOnly(Capturing, Used, AlsoUsed).pipe(Layer.provide(App)))))

  it.effect("without it the layer captures everything around it", () =>
    Effect.gen(function*() {
      const { keys } = yield* Captured
      expect(keys).toContain("test/Unrelated")
    }).pipe(Effect.provide(Capturing.pipe(Layer.provide(App)))))

  it.effect("contextOf picks the listed services of the surrounding context", () =>
    Effect.gen(function*() {
      const picked = yield* contextOf(Used)
      expect([...picked.mapUnsafe.keys()]).toEqual(["test/Used"])
      expect(Context.get(picked, Used).n).toBe(1)
    }).pipe(Effect.provide(App)))
})
