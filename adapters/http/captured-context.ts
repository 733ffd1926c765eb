import type { HttpRouter, HttpServerRequest } from "effect/http"
import { Context, Effect, Layer } from "effect"
import type { CurrentActor } from "./current-actor.js"

type Identifiers<Keys extends ReadonlyArray<Context.Key<any, any>>> = Context.Service.Identifier<Keys[number]>

/**
 * The services of the surrounding context that `keys` name, and nothing else. What a handler group
 * or a middleware captures is merged into every request's context (Effect 4's `provideContext`
 * copies the captured map entry by entry), so capturing the ~150 services of the whole application
 * costs every request that copy; capturing the few it uses costs a few entries.
 */
export const contextOf = <const Keys extends ReadonlyArray<Context.Key<any, any>>>(
  ...keys: Keys
): Effect.Effect<Context.Context<Identifiers<Keys>>, never, Identifiers<Keys>> =>
  Effect.map(Effect.context<Identifiers<Keys>>(), (all) => Context.pick(...keys)(all) as Context.Context<Identifiers<Keys>>)

/** What every request's own context holds: the request, and the caller the authentication middleware adds. */
type PerRequest = HttpServerRequest.HttpServerRequest | CurrentActor
/**
 * The missing services, named, when `keys` leave some of what a layer requires out: a layer built by
 * `capturingOnly` sees nothing else, so a service left out would be missing at request time.
 */
type Missing<R, Keys extends ReadonlyArray<Context.Key<any, any>>> = Exclude<
  HttpRouter.Request.Only<"Requires", R> | HttpRouter.Request.Without<R>,
  Identifiers<Keys> | PerRequest
>
type Covered<R, Keys extends ReadonlyArray<Context.Key<any, any>>> = [Missing<R, Keys>] extends [never] ? unknown
  : { readonly "services missing from the list": Missing<R, Keys> }

/**
 * `layer` (a handler group) built in a context holding only the services `keys` name, so that the
 * context it captures, and every request merges, is that small one. The compiler checks that the
 * list covers everything the layer requires.
 */
export const capturingOnly = <A, E, R, const Keys extends ReadonlyArray<Context.Key<any, any>>>(
  layer: Layer.Layer<A, E, R>,
  ...keys: Keys & Covered<R, Keys>
): Layer.Layer<A, E, R | Identifiers<Keys>> =>
  Layer.fromBuild((memoMap, scope) =>
    Effect.flatMap(contextOf(...keys), (only) =>
      Layer.buildWithMemoMap(layer as Layer.Layer<A, E, never>, memoMap, scope).pipe(Effect.setContext(only))
    )
  )
