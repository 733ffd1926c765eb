import * as NodeRedis from "@effect/platform-node/NodeRedis"
import { describe, it as vitestIt, layer } from "@effect/vitest"
import { Layer } from "effect"
import { RateLimiterRedis } from "../../adapters/rate-limits/rate-limiter.redis.js"
import { testRedisUrl } from "../support/redis.js"
import { rateLimiterContract } from "./rate-limiter.contract.js"

const url = await testRedisUrl()

if (url === undefined) {
  console.warn("no Redis at REDIS_URL or 127.0.0.1:6379: the Redis RateLimiter contract suite was SKIPPED.")
  describe("RateLimiter on Redis", () => {
    vitestIt.skipIf(true)("skipped: no Redis reachable", () => {})
  })
} else {
  // A prefix of this run's own: pruning and resetting here never touch another run's counters.
  const prefix = `brainops-test:${crypto.randomUUID()}:`
  layer(RateLimiterRedis(prefix).pipe(Layer.provide(NodeRedis.layer({ url }))), { timeout: "30 seconds" })("RateLimiter on Redis", (it) => {
    rateLimiterContract(it)
  })
}
