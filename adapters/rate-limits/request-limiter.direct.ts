import { Effect, Layer } from "effect"
import { RateLimiter, RequestRateLimiter } from "../../application/ports/rate-limiter.js"

/**
 * Every request counted straight on the shared RateLimiter: exact. For a store where a count costs
 * no database write (Redis, on the server profile), and for tests on the in-memory limiter.
 */
export const RequestRateLimiterDirect = Layer.effect(
  RequestRateLimiter,
  Effect.map(RateLimiter, (limiter) => RequestRateLimiter.of({ hit: limiter.hit }))
)
