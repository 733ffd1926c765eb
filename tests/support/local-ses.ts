import type { Server } from "node:http"
import { Context, Effect, Layer } from "effect"

/** A real SES v1 HTTP endpoint on loopback (aws-ses-v2-local), started by the test and closed after. */
export class LocalSes extends Context.Service<LocalSes, { readonly url: string }>()("LocalSes") {}

export const LocalSesLive = Layer.effect(
  LocalSes,
  Effect.acquireRelease(
    Effect.promise(async () => {
      type Start = (options: object) => Promise<Server>
      // CommonJS seen from ESM: the default export sits one level down under tsx, at the top under vitest.
      const module = (await import("aws-ses-v2-local")) as unknown as { default: Start | { default: Start } }
      const start = typeof module.default === "function" ? module.default : module.default.default
      const server = await start({ host: "127.0.0.1", port: 0 })
      const address = server.address()
      if (address === null || typeof address === "string") throw new Error("no address")
      const url = `http://127.0.0.1:${address.port}`
      // The stand-in keeps its mail in module state, shared by every server it starts in a process:
      // begin empty, whatever an earlier test file in this worker left.
      await fetch(`${url}/clear-store`, { method: "POST" })
      return { server, url }
    }),
    ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  )
)

/** What the local SES received. */
export const sesStore = (url: string) =>
  Effect.promise(() => fetch(`${url}/store`).then((r) => r.json() as Promise<{ emails: Array<any> }>))
