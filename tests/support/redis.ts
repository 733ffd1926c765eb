import * as net from "node:net"

const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"

const reachable = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url)
    const socket = net.connect({ host: hostname, port: Number(port || 6379) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.once("connect", () => done(true))
    socket.once("error", () => done(false))
  })

/**
 * The Redis the Redis suites run against: REDIS_URL when set (a Redis that is not reachable then
 * fails the suite), else the machine's own at 127.0.0.1:6379 when it answers (here and in CI), else
 * none, and the suites say that they were skipped.
 */
export const testRedisUrl = async (): Promise<string | undefined> => {
  const configured = process.env.REDIS_URL || undefined
  if (configured !== undefined) return configured
  return (await reachable(DEFAULT_REDIS_URL)) ? DEFAULT_REDIS_URL : undefined
}
