import { Effect, Layer } from "effect"

/**
 * A layer whose module is imported only when the layer is built: the SDKs of the server profile's
 * services (AWS, Stripe, Qdrant) are hundreds of modules that the embedded profile never uses, and
 * loading them was a good part of every start.
 */
export const lazyLayer = <A, E, R>(load: () => Promise<Layer.Layer<A, E, R>>): Layer.Layer<A, E, R> =>
  Layer.unwrap(Effect.promise(load))
